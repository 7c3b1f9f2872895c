package dev.grocer.user.v1;

import static io.grpc.MethodDescriptor.generateFullMethodName;

/**
 * <pre>
 * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
 * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
 * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
 * </pre>
 */
@io.grpc.stub.annotations.GrpcGenerated
public final class UserServiceGrpc {

  private UserServiceGrpc() {}

  public static final java.lang.String SERVICE_NAME = "grocer.user.v1.UserService";

  // Static method descriptors that strictly reflect the proto.
  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest,
      dev.grocer.user.v1.User> getCreateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateUser",
      requestType = dev.grocer.user.v1.CreateUserRequest.class,
      responseType = dev.grocer.user.v1.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest,
      dev.grocer.user.v1.User> getCreateUserMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest, dev.grocer.user.v1.User> getCreateUserMethod;
    if ((getCreateUserMethod = UserServiceGrpc.getCreateUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getCreateUserMethod = UserServiceGrpc.getCreateUserMethod) == null) {
          UserServiceGrpc.getCreateUserMethod = getCreateUserMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.CreateUserRequest, dev.grocer.user.v1.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.CreateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("CreateUser"))
              .build();
        }
      }
    }
    return getCreateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.GetUserRequest,
      dev.grocer.user.v1.User> getGetUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "GetUser",
      requestType = dev.grocer.user.v1.GetUserRequest.class,
      responseType = dev.grocer.user.v1.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.GetUserRequest,
      dev.grocer.user.v1.User> getGetUserMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.GetUserRequest, dev.grocer.user.v1.User> getGetUserMethod;
    if ((getGetUserMethod = UserServiceGrpc.getGetUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getGetUserMethod = UserServiceGrpc.getGetUserMethod) == null) {
          UserServiceGrpc.getGetUserMethod = getGetUserMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.GetUserRequest, dev.grocer.user.v1.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "GetUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.GetUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("GetUser"))
              .build();
        }
      }
    }
    return getGetUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.UpdateUserRequest,
      dev.grocer.user.v1.User> getUpdateUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "UpdateUser",
      requestType = dev.grocer.user.v1.UpdateUserRequest.class,
      responseType = dev.grocer.user.v1.User.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.UpdateUserRequest,
      dev.grocer.user.v1.User> getUpdateUserMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.UpdateUserRequest, dev.grocer.user.v1.User> getUpdateUserMethod;
    if ((getUpdateUserMethod = UserServiceGrpc.getUpdateUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getUpdateUserMethod = UserServiceGrpc.getUpdateUserMethod) == null) {
          UserServiceGrpc.getUpdateUserMethod = getUpdateUserMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.UpdateUserRequest, dev.grocer.user.v1.User>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "UpdateUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.UpdateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.User.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("UpdateUser"))
              .build();
        }
      }
    }
    return getUpdateUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.DeleteUserRequest,
      com.google.protobuf.Empty> getDeleteUserMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "DeleteUser",
      requestType = dev.grocer.user.v1.DeleteUserRequest.class,
      responseType = com.google.protobuf.Empty.class,
      methodType = io.grpc.MethodDescriptor.MethodType.UNARY)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.DeleteUserRequest,
      com.google.protobuf.Empty> getDeleteUserMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.DeleteUserRequest, com.google.protobuf.Empty> getDeleteUserMethod;
    if ((getDeleteUserMethod = UserServiceGrpc.getDeleteUserMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getDeleteUserMethod = UserServiceGrpc.getDeleteUserMethod) == null) {
          UserServiceGrpc.getDeleteUserMethod = getDeleteUserMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.DeleteUserRequest, com.google.protobuf.Empty>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "DeleteUser"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.DeleteUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  com.google.protobuf.Empty.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("DeleteUser"))
              .build();
        }
      }
    }
    return getDeleteUserMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.ListUsersRequest,
      dev.grocer.user.v1.ListUsersResponse> getListUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ListUsers",
      requestType = dev.grocer.user.v1.ListUsersRequest.class,
      responseType = dev.grocer.user.v1.ListUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.ListUsersRequest,
      dev.grocer.user.v1.ListUsersResponse> getListUsersMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.ListUsersRequest, dev.grocer.user.v1.ListUsersResponse> getListUsersMethod;
    if ((getListUsersMethod = UserServiceGrpc.getListUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getListUsersMethod = UserServiceGrpc.getListUsersMethod) == null) {
          UserServiceGrpc.getListUsersMethod = getListUsersMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.ListUsersRequest, dev.grocer.user.v1.ListUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ListUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.ListUsersRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.ListUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("ListUsers"))
              .build();
        }
      }
    }
    return getListUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest,
      dev.grocer.user.v1.CreateUsersResponse> getCreateUsersMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "CreateUsers",
      requestType = dev.grocer.user.v1.CreateUserRequest.class,
      responseType = dev.grocer.user.v1.CreateUsersResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest,
      dev.grocer.user.v1.CreateUsersResponse> getCreateUsersMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.CreateUserRequest, dev.grocer.user.v1.CreateUsersResponse> getCreateUsersMethod;
    if ((getCreateUsersMethod = UserServiceGrpc.getCreateUsersMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getCreateUsersMethod = UserServiceGrpc.getCreateUsersMethod) == null) {
          UserServiceGrpc.getCreateUsersMethod = getCreateUsersMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.CreateUserRequest, dev.grocer.user.v1.CreateUsersResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.CLIENT_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "CreateUsers"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.CreateUserRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.CreateUsersResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("CreateUsers"))
              .build();
        }
      }
    }
    return getCreateUsersMethod;
  }

  private static volatile io.grpc.MethodDescriptor<dev.grocer.user.v1.ChatStreamRequest,
      dev.grocer.user.v1.ChatStreamResponse> getChatStreamMethod;

  @io.grpc.stub.annotations.RpcMethod(
      fullMethodName = SERVICE_NAME + '/' + "ChatStream",
      requestType = dev.grocer.user.v1.ChatStreamRequest.class,
      responseType = dev.grocer.user.v1.ChatStreamResponse.class,
      methodType = io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
  public static io.grpc.MethodDescriptor<dev.grocer.user.v1.ChatStreamRequest,
      dev.grocer.user.v1.ChatStreamResponse> getChatStreamMethod() {
    io.grpc.MethodDescriptor<dev.grocer.user.v1.ChatStreamRequest, dev.grocer.user.v1.ChatStreamResponse> getChatStreamMethod;
    if ((getChatStreamMethod = UserServiceGrpc.getChatStreamMethod) == null) {
      synchronized (UserServiceGrpc.class) {
        if ((getChatStreamMethod = UserServiceGrpc.getChatStreamMethod) == null) {
          UserServiceGrpc.getChatStreamMethod = getChatStreamMethod =
              io.grpc.MethodDescriptor.<dev.grocer.user.v1.ChatStreamRequest, dev.grocer.user.v1.ChatStreamResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.BIDI_STREAMING)
              .setFullMethodName(generateFullMethodName(SERVICE_NAME, "ChatStream"))
              .setSampledToLocalTracing(true)
              .setRequestMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.ChatStreamRequest.getDefaultInstance()))
              .setResponseMarshaller(io.grpc.protobuf.ProtoUtils.marshaller(
                  dev.grocer.user.v1.ChatStreamResponse.getDefaultInstance()))
              .setSchemaDescriptor(new UserServiceMethodDescriptorSupplier("ChatStream"))
              .build();
        }
      }
    }
    return getChatStreamMethod;
  }

  /**
   * Creates a new async stub that supports all call types for the service
   */
  public static UserServiceStub newStub(io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceStub>() {
        @java.lang.Override
        public UserServiceStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceStub(channel, callOptions);
        }
      };
    return UserServiceStub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports all types of calls on the service
   */
  public static UserServiceBlockingV2Stub newBlockingV2Stub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingV2Stub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingV2Stub>() {
        @java.lang.Override
        public UserServiceBlockingV2Stub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceBlockingV2Stub(channel, callOptions);
        }
      };
    return UserServiceBlockingV2Stub.newStub(factory, channel);
  }

  /**
   * Creates a new blocking-style stub that supports unary and streaming output calls on the service
   */
  public static UserServiceBlockingStub newBlockingStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceBlockingStub>() {
        @java.lang.Override
        public UserServiceBlockingStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceBlockingStub(channel, callOptions);
        }
      };
    return UserServiceBlockingStub.newStub(factory, channel);
  }

  /**
   * Creates a new ListenableFuture-style stub that supports unary calls on the service
   */
  public static UserServiceFutureStub newFutureStub(
      io.grpc.Channel channel) {
    io.grpc.stub.AbstractStub.StubFactory<UserServiceFutureStub> factory =
      new io.grpc.stub.AbstractStub.StubFactory<UserServiceFutureStub>() {
        @java.lang.Override
        public UserServiceFutureStub newStub(io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
          return new UserServiceFutureStub(channel, callOptions);
        }
      };
    return UserServiceFutureStub.newStub(factory, channel);
  }

  /**
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public interface AsyncService {

    /**
     * <pre>
     * Creates a user. Returns INVALID_ARGUMENT for a bad display_name, email or request_id, and
     * ALREADY_EXISTS when another user has the same email (compared case-insensitively).
     * </pre>
     */
    default void createUser(dev.grocer.user.v1.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getCreateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Gets one user by id. Returns INVALID_ARGUMENT for an empty id and NOT_FOUND for an unknown one.
     * </pre>
     */
    default void getUser(dev.grocer.user.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getGetUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. Returns INVALID_ARGUMENT for bad values or unknown mask
     * paths, NOT_FOUND for an unknown id, ALREADY_EXISTS when the new email is taken, and ABORTED when
     * the request's etag is not the user's current one.
     * </pre>
     */
    default void updateUser(dev.grocer.user.v1.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getUpdateUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Deletes a user. Returns NOT_FOUND for an unknown id and ABORTED when the request's etag is stale.
     * </pre>
     */
    default void deleteUser(dev.grocer.user.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getDeleteUserMethod(), responseObserver);
    }

    /**
     * <pre>
     * Streams users in a stable order (by id, which sorts by creation time). Each message carries a
     * page_token to resume after that user. Returns INVALID_ARGUMENT for a negative limit or a
     * page_token this service did not issue.
     * </pre>
     */
    default void listUsers(dev.grocer.user.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ServerCalls.asyncUnimplementedUnaryCall(getListUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Creates users from a stream of requests and answers, once the client half-closes, with one result
     * per request in the order received. A bad entry is reported in its result and does not stop the
     * others. Returns RESOURCE_EXHAUSTED when the stream has more requests than the batch limit.
     * </pre>
     */
    default io.grpc.stub.StreamObserver<dev.grocer.user.v1.CreateUserRequest> createUsers(
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.CreateUsersResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getCreateUsersMethod(), responseObserver);
    }

    /**
     * <pre>
     * Joins the chat room: every message a participant sends is delivered to every connected
     * participant, the sender included. Returns INVALID_ARGUMENT for an empty sender or a text that is
     * empty or too long, RESOURCE_EXHAUSTED when the room is full or the participant reads too slowly,
     * and UNAVAILABLE when the server shuts down.
     * </pre>
     */
    default io.grpc.stub.StreamObserver<dev.grocer.user.v1.ChatStreamRequest> chatStream(
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.ChatStreamResponse> responseObserver) {
      return io.grpc.stub.ServerCalls.asyncUnimplementedStreamingCall(getChatStreamMethod(), responseObserver);
    }
  }

  /**
   * Base class for the server implementation of the service UserService.
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public static abstract class UserServiceImplBase
      implements io.grpc.BindableService, AsyncService {

    @java.lang.Override public final io.grpc.ServerServiceDefinition bindService() {
      return UserServiceGrpc.bindService(this);
    }
  }

  /**
   * A stub to allow clients to do asynchronous rpc calls to service UserService.
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public static final class UserServiceStub
      extends io.grpc.stub.AbstractAsyncStub<UserServiceStub> {
    private UserServiceStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a user. Returns INVALID_ARGUMENT for a bad display_name, email or request_id, and
     * ALREADY_EXISTS when another user has the same email (compared case-insensitively).
     * </pre>
     */
    public void createUser(dev.grocer.user.v1.CreateUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Gets one user by id. Returns INVALID_ARGUMENT for an empty id and NOT_FOUND for an unknown one.
     * </pre>
     */
    public void getUser(dev.grocer.user.v1.GetUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. Returns INVALID_ARGUMENT for bad values or unknown mask
     * paths, NOT_FOUND for an unknown id, ALREADY_EXISTS when the new email is taken, and ABORTED when
     * the request's etag is not the user's current one.
     * </pre>
     */
    public void updateUser(dev.grocer.user.v1.UpdateUserRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.User> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Deletes a user. Returns NOT_FOUND for an unknown id and ABORTED when the request's etag is stale.
     * </pre>
     */
    public void deleteUser(dev.grocer.user.v1.DeleteUserRequest request,
        io.grpc.stub.StreamObserver<com.google.protobuf.Empty> responseObserver) {
      io.grpc.stub.ClientCalls.asyncUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Streams users in a stable order (by id, which sorts by creation time). Each message carries a
     * page_token to resume after that user. Returns INVALID_ARGUMENT for a negative limit or a
     * page_token this service did not issue.
     * </pre>
     */
    public void listUsers(dev.grocer.user.v1.ListUsersRequest request,
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.ListUsersResponse> responseObserver) {
      io.grpc.stub.ClientCalls.asyncServerStreamingCall(
          getChannel().newCall(getListUsersMethod(), getCallOptions()), request, responseObserver);
    }

    /**
     * <pre>
     * Creates users from a stream of requests and answers, once the client half-closes, with one result
     * per request in the order received. A bad entry is reported in its result and does not stop the
     * others. Returns RESOURCE_EXHAUSTED when the stream has more requests than the batch limit.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<dev.grocer.user.v1.CreateUserRequest> createUsers(
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.CreateUsersResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncClientStreamingCall(
          getChannel().newCall(getCreateUsersMethod(), getCallOptions()), responseObserver);
    }

    /**
     * <pre>
     * Joins the chat room: every message a participant sends is delivered to every connected
     * participant, the sender included. Returns INVALID_ARGUMENT for an empty sender or a text that is
     * empty or too long, RESOURCE_EXHAUSTED when the room is full or the participant reads too slowly,
     * and UNAVAILABLE when the server shuts down.
     * </pre>
     */
    public io.grpc.stub.StreamObserver<dev.grocer.user.v1.ChatStreamRequest> chatStream(
        io.grpc.stub.StreamObserver<dev.grocer.user.v1.ChatStreamResponse> responseObserver) {
      return io.grpc.stub.ClientCalls.asyncBidiStreamingCall(
          getChannel().newCall(getChatStreamMethod(), getCallOptions()), responseObserver);
    }
  }

  /**
   * A stub to allow clients to do synchronous rpc calls to service UserService.
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public static final class UserServiceBlockingV2Stub
      extends io.grpc.stub.AbstractBlockingStub<UserServiceBlockingV2Stub> {
    private UserServiceBlockingV2Stub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceBlockingV2Stub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceBlockingV2Stub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a user. Returns INVALID_ARGUMENT for a bad display_name, email or request_id, and
     * ALREADY_EXISTS when another user has the same email (compared case-insensitively).
     * </pre>
     */
    public dev.grocer.user.v1.User createUser(dev.grocer.user.v1.CreateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one user by id. Returns INVALID_ARGUMENT for an empty id and NOT_FOUND for an unknown one.
     * </pre>
     */
    public dev.grocer.user.v1.User getUser(dev.grocer.user.v1.GetUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. Returns INVALID_ARGUMENT for bad values or unknown mask
     * paths, NOT_FOUND for an unknown id, ALREADY_EXISTS when the new email is taken, and ABORTED when
     * the request's etag is not the user's current one.
     * </pre>
     */
    public dev.grocer.user.v1.User updateUser(dev.grocer.user.v1.UpdateUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a user. Returns NOT_FOUND for an unknown id and ABORTED when the request's etag is stale.
     * </pre>
     */
    public com.google.protobuf.Empty deleteUser(dev.grocer.user.v1.DeleteUserRequest request) throws io.grpc.StatusException {
      return io.grpc.stub.ClientCalls.blockingV2UnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams users in a stable order (by id, which sorts by creation time). Each message carries a
     * page_token to resume after that user. Returns INVALID_ARGUMENT for a negative limit or a
     * page_token this service did not issue.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<?, dev.grocer.user.v1.ListUsersResponse>
        listUsers(dev.grocer.user.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingV2ServerStreamingCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Creates users from a stream of requests and answers, once the client half-closes, with one result
     * per request in the order received. A bad entry is reported in its result and does not stop the
     * others. Returns RESOURCE_EXHAUSTED when the stream has more requests than the batch limit.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<dev.grocer.user.v1.CreateUserRequest, dev.grocer.user.v1.CreateUsersResponse>
        createUsers() {
      return io.grpc.stub.ClientCalls.blockingClientStreamingCall(
          getChannel(), getCreateUsersMethod(), getCallOptions());
    }

    /**
     * <pre>
     * Joins the chat room: every message a participant sends is delivered to every connected
     * participant, the sender included. Returns INVALID_ARGUMENT for an empty sender or a text that is
     * empty or too long, RESOURCE_EXHAUSTED when the room is full or the participant reads too slowly,
     * and UNAVAILABLE when the server shuts down.
     * </pre>
     */
    @io.grpc.ExperimentalApi("https://github.com/grpc/grpc-java/issues/10918")
    public io.grpc.stub.BlockingClientCall<dev.grocer.user.v1.ChatStreamRequest, dev.grocer.user.v1.ChatStreamResponse>
        chatStream() {
      return io.grpc.stub.ClientCalls.blockingBidiStreamingCall(
          getChannel(), getChatStreamMethod(), getCallOptions());
    }
  }

  /**
   * A stub to allow clients to do limited synchronous rpc calls to service UserService.
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public static final class UserServiceBlockingStub
      extends io.grpc.stub.AbstractBlockingStub<UserServiceBlockingStub> {
    private UserServiceBlockingStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceBlockingStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceBlockingStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a user. Returns INVALID_ARGUMENT for a bad display_name, email or request_id, and
     * ALREADY_EXISTS when another user has the same email (compared case-insensitively).
     * </pre>
     */
    public dev.grocer.user.v1.User createUser(dev.grocer.user.v1.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getCreateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Gets one user by id. Returns INVALID_ARGUMENT for an empty id and NOT_FOUND for an unknown one.
     * </pre>
     */
    public dev.grocer.user.v1.User getUser(dev.grocer.user.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getGetUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. Returns INVALID_ARGUMENT for bad values or unknown mask
     * paths, NOT_FOUND for an unknown id, ALREADY_EXISTS when the new email is taken, and ABORTED when
     * the request's etag is not the user's current one.
     * </pre>
     */
    public dev.grocer.user.v1.User updateUser(dev.grocer.user.v1.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getUpdateUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Deletes a user. Returns NOT_FOUND for an unknown id and ABORTED when the request's etag is stale.
     * </pre>
     */
    public com.google.protobuf.Empty deleteUser(dev.grocer.user.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.blockingUnaryCall(
          getChannel(), getDeleteUserMethod(), getCallOptions(), request);
    }

    /**
     * <pre>
     * Streams users in a stable order (by id, which sorts by creation time). Each message carries a
     * page_token to resume after that user. Returns INVALID_ARGUMENT for a negative limit or a
     * page_token this service did not issue.
     * </pre>
     */
    public java.util.Iterator<dev.grocer.user.v1.ListUsersResponse> listUsers(
        dev.grocer.user.v1.ListUsersRequest request) {
      return io.grpc.stub.ClientCalls.blockingServerStreamingCall(
          getChannel(), getListUsersMethod(), getCallOptions(), request);
    }
  }

  /**
   * A stub to allow clients to do ListenableFuture-style rpc calls to service UserService.
   * <pre>
   * Manages grocer's users: single CRUD calls, a streamed listing, a streamed batch create and a chat room.
   * Every error carries a google.rpc.Status in the grpc-status-details-bin trailer with an ErrorInfo
   * (domain "grocer") and, for invalid input, a BadRequest listing each bad field.
   * </pre>
   */
  public static final class UserServiceFutureStub
      extends io.grpc.stub.AbstractFutureStub<UserServiceFutureStub> {
    private UserServiceFutureStub(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      super(channel, callOptions);
    }

    @java.lang.Override
    protected UserServiceFutureStub build(
        io.grpc.Channel channel, io.grpc.CallOptions callOptions) {
      return new UserServiceFutureStub(channel, callOptions);
    }

    /**
     * <pre>
     * Creates a user. Returns INVALID_ARGUMENT for a bad display_name, email or request_id, and
     * ALREADY_EXISTS when another user has the same email (compared case-insensitively).
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.grocer.user.v1.User> createUser(
        dev.grocer.user.v1.CreateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getCreateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Gets one user by id. Returns INVALID_ARGUMENT for an empty id and NOT_FOUND for an unknown one.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.grocer.user.v1.User> getUser(
        dev.grocer.user.v1.GetUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getGetUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Updates the fields named in update_mask. Returns INVALID_ARGUMENT for bad values or unknown mask
     * paths, NOT_FOUND for an unknown id, ALREADY_EXISTS when the new email is taken, and ABORTED when
     * the request's etag is not the user's current one.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<dev.grocer.user.v1.User> updateUser(
        dev.grocer.user.v1.UpdateUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getUpdateUserMethod(), getCallOptions()), request);
    }

    /**
     * <pre>
     * Deletes a user. Returns NOT_FOUND for an unknown id and ABORTED when the request's etag is stale.
     * </pre>
     */
    public com.google.common.util.concurrent.ListenableFuture<com.google.protobuf.Empty> deleteUser(
        dev.grocer.user.v1.DeleteUserRequest request) {
      return io.grpc.stub.ClientCalls.futureUnaryCall(
          getChannel().newCall(getDeleteUserMethod(), getCallOptions()), request);
    }
  }

  private static final int METHODID_CREATE_USER = 0;
  private static final int METHODID_GET_USER = 1;
  private static final int METHODID_UPDATE_USER = 2;
  private static final int METHODID_DELETE_USER = 3;
  private static final int METHODID_LIST_USERS = 4;
  private static final int METHODID_CREATE_USERS = 5;
  private static final int METHODID_CHAT_STREAM = 6;

  private static final class MethodHandlers<Req, Resp> implements
      io.grpc.stub.ServerCalls.UnaryMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ServerStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.ClientStreamingMethod<Req, Resp>,
      io.grpc.stub.ServerCalls.BidiStreamingMethod<Req, Resp> {
    private final AsyncService serviceImpl;
    private final int methodId;

    MethodHandlers(AsyncService serviceImpl, int methodId) {
      this.serviceImpl = serviceImpl;
      this.methodId = methodId;
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public void invoke(Req request, io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_USER:
          serviceImpl.createUser((dev.grocer.user.v1.CreateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.User>) responseObserver);
          break;
        case METHODID_GET_USER:
          serviceImpl.getUser((dev.grocer.user.v1.GetUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.User>) responseObserver);
          break;
        case METHODID_UPDATE_USER:
          serviceImpl.updateUser((dev.grocer.user.v1.UpdateUserRequest) request,
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.User>) responseObserver);
          break;
        case METHODID_DELETE_USER:
          serviceImpl.deleteUser((dev.grocer.user.v1.DeleteUserRequest) request,
              (io.grpc.stub.StreamObserver<com.google.protobuf.Empty>) responseObserver);
          break;
        case METHODID_LIST_USERS:
          serviceImpl.listUsers((dev.grocer.user.v1.ListUsersRequest) request,
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.ListUsersResponse>) responseObserver);
          break;
        default:
          throw new AssertionError();
      }
    }

    @java.lang.Override
    @java.lang.SuppressWarnings("unchecked")
    public io.grpc.stub.StreamObserver<Req> invoke(
        io.grpc.stub.StreamObserver<Resp> responseObserver) {
      switch (methodId) {
        case METHODID_CREATE_USERS:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.createUsers(
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.CreateUsersResponse>) responseObserver);
        case METHODID_CHAT_STREAM:
          return (io.grpc.stub.StreamObserver<Req>) serviceImpl.chatStream(
              (io.grpc.stub.StreamObserver<dev.grocer.user.v1.ChatStreamResponse>) responseObserver);
        default:
          throw new AssertionError();
      }
    }
  }

  public static final io.grpc.ServerServiceDefinition bindService(AsyncService service) {
    return io.grpc.ServerServiceDefinition.builder(getServiceDescriptor())
        .addMethod(
          getCreateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.grocer.user.v1.CreateUserRequest,
              dev.grocer.user.v1.User>(
                service, METHODID_CREATE_USER)))
        .addMethod(
          getGetUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.grocer.user.v1.GetUserRequest,
              dev.grocer.user.v1.User>(
                service, METHODID_GET_USER)))
        .addMethod(
          getUpdateUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.grocer.user.v1.UpdateUserRequest,
              dev.grocer.user.v1.User>(
                service, METHODID_UPDATE_USER)))
        .addMethod(
          getDeleteUserMethod(),
          io.grpc.stub.ServerCalls.asyncUnaryCall(
            new MethodHandlers<
              dev.grocer.user.v1.DeleteUserRequest,
              com.google.protobuf.Empty>(
                service, METHODID_DELETE_USER)))
        .addMethod(
          getListUsersMethod(),
          io.grpc.stub.ServerCalls.asyncServerStreamingCall(
            new MethodHandlers<
              dev.grocer.user.v1.ListUsersRequest,
              dev.grocer.user.v1.ListUsersResponse>(
                service, METHODID_LIST_USERS)))
        .addMethod(
          getCreateUsersMethod(),
          io.grpc.stub.ServerCalls.asyncClientStreamingCall(
            new MethodHandlers<
              dev.grocer.user.v1.CreateUserRequest,
              dev.grocer.user.v1.CreateUsersResponse>(
                service, METHODID_CREATE_USERS)))
        .addMethod(
          getChatStreamMethod(),
          io.grpc.stub.ServerCalls.asyncBidiStreamingCall(
            new MethodHandlers<
              dev.grocer.user.v1.ChatStreamRequest,
              dev.grocer.user.v1.ChatStreamResponse>(
                service, METHODID_CHAT_STREAM)))
        .build();
  }

  private static abstract class UserServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoFileDescriptorSupplier, io.grpc.protobuf.ProtoServiceDescriptorSupplier {
    UserServiceBaseDescriptorSupplier() {}

    @java.lang.Override
    public com.google.protobuf.Descriptors.FileDescriptor getFileDescriptor() {
      return dev.grocer.user.v1.UserServiceProto.getDescriptor();
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.ServiceDescriptor getServiceDescriptor() {
      return getFileDescriptor().findServiceByName("UserService");
    }
  }

  private static final class UserServiceFileDescriptorSupplier
      extends UserServiceBaseDescriptorSupplier {
    UserServiceFileDescriptorSupplier() {}
  }

  private static final class UserServiceMethodDescriptorSupplier
      extends UserServiceBaseDescriptorSupplier
      implements io.grpc.protobuf.ProtoMethodDescriptorSupplier {
    private final java.lang.String methodName;

    UserServiceMethodDescriptorSupplier(java.lang.String methodName) {
      this.methodName = methodName;
    }

    @java.lang.Override
    public com.google.protobuf.Descriptors.MethodDescriptor getMethodDescriptor() {
      return getServiceDescriptor().findMethodByName(methodName);
    }
  }

  private static volatile io.grpc.ServiceDescriptor serviceDescriptor;

  public static io.grpc.ServiceDescriptor getServiceDescriptor() {
    io.grpc.ServiceDescriptor result = serviceDescriptor;
    if (result == null) {
      synchronized (UserServiceGrpc.class) {
        result = serviceDescriptor;
        if (result == null) {
          serviceDescriptor = result = io.grpc.ServiceDescriptor.newBuilder(SERVICE_NAME)
              .setSchemaDescriptor(new UserServiceFileDescriptorSupplier())
              .addMethod(getCreateUserMethod())
              .addMethod(getGetUserMethod())
              .addMethod(getUpdateUserMethod())
              .addMethod(getDeleteUserMethod())
              .addMethod(getListUsersMethod())
              .addMethod(getCreateUsersMethod())
              .addMethod(getChatStreamMethod())
              .build();
        }
      }
    }
    return result;
  }
}
