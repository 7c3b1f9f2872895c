package dev.grocer.greeter;

import dev.grocer.greeter.v1.AddItemRequest;
import dev.grocer.greeter.v1.GetItemRequest;
import dev.grocer.greeter.v1.GreeterServiceGrpc;
import dev.grocer.greeter.v1.ListItemsRequest;
import dev.grocer.greeter.v1.ListItemsResponse;
import dev.grocer.greeter.v1.SayHelloRequest;
import dev.grocer.greeter.v1.SayHelloResponse;
import io.grpc.stub.StreamObserver;
import net.devh.boot.grpc.server.service.GrpcService;

/**
 * The gRPC edge of GreeterService: maps requests to {@link GreeterManagement} and the results back.
 * Exceptions thrown here are mapped to statuses in one place, by {@code dev.grocer.grpc.GrpcErrors}
 * through the {@code @GrpcAdvice}.
 */
@GrpcService
class GreeterGrpcService extends GreeterServiceGrpc.GreeterServiceImplBase {

    private final GreeterManagement greeter;

    GreeterGrpcService(GreeterManagement greeter) {
        this.greeter = greeter;
    }

    @Override
    public void sayHello(SayHelloRequest request, StreamObserver<SayHelloResponse> response) {
        String message = greeter.sayHello(GreeterMapper.nameOf(request), GreeterMapper.userIdOf(request));
        response.onNext(GreeterMapper.toSayHelloResponse(message));
        response.onCompleted();
    }

    @Override
    public void addItem(AddItemRequest request, StreamObserver<dev.grocer.greeter.v1.Item> response) {
        Item added = greeter.addItem(GreeterMapper.toNewItem(request.getItem()), request.getRequestId());
        response.onNext(GreeterMapper.toProto(added));
        response.onCompleted();
    }

    @Override
    public void getItem(GetItemRequest request, StreamObserver<dev.grocer.greeter.v1.Item> response) {
        response.onNext(GreeterMapper.toProto(greeter.getItem(request.getId())));
        response.onCompleted();
    }

    @Override
    public void listItems(ListItemsRequest request, StreamObserver<ListItemsResponse> response) {
        response.onNext(GreeterMapper.toProto(greeter.listItems(request.getPageSize(), request.getPageToken())));
        response.onCompleted();
    }
}
