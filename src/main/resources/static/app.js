// The page: users on the left, an order form, and the order's statuses as the server reports them.
import { cancelOrder, createUser, listUsers, registerOrder, watchOrder } from './api.js';
import { formatMoney, parseMoney } from './money.js';

// How many users the list shows; ListUsers streams them oldest first.
const USERS_SHOWN = 100;

// Every status in the order an order can reach them (CANCELLED can follow any but DELIVERED), with its label.
const STATUSES = new Map([
  ['ORDER_STATUS_PLACED', 'Placed'],
  ['ORDER_STATUS_PREPARING', 'Preparing'],
  ['ORDER_STATUS_OUT_FOR_DELIVERY', 'Out for delivery'],
  ['ORDER_STATUS_DELIVERED', 'Delivered'],
  ['ORDER_STATUS_CANCELLED', 'Cancelled'],
]);
const FINAL = new Set(['ORDER_STATUS_DELIVERED', 'ORDER_STATUS_CANCELLED']);
const rank = (status) => [...STATUSES.keys()].indexOf(status);

const $ = (id) => document.getElementById(id);

const state = {
  users: new Map(), // id -> User, as listed
  pickedUserId: null,
  usersStream: null,
  orderId: null, // the order shown
  watch: null, // its WatchOrder stream (an EventSource)
};

function showError(error) {
  const box = $('error');
  box.textContent = error.message;
  box.hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error').textContent = '';
}

// --- Users ---

function refreshUsers() {
  state.usersStream?.close();
  state.users.clear();
  $('users').replaceChildren();
  $('users-empty').hidden = true;
  state.usersStream = listUsers(USERS_SHOWN, {
    onMessage: ({ user }) => addUser(user),
    onEnd: () => {
      $('users-empty').hidden = state.users.size > 0;
    },
    onError: showError,
  });
}

function addUser(user) {
  state.users.set(user.id, user);
  const radio = document.createElement('input');
  radio.type = 'radio';
  radio.name = 'user';
  radio.value = user.id;
  radio.checked = user.id === state.pickedUserId;
  radio.addEventListener('change', () => pickUser(user.id));
  const label = document.createElement('label');
  label.append(radio, ` ${user.displayName} <${user.email}>`);
  const item = document.createElement('li');
  item.dataset.testid = 'user';
  item.dataset.id = user.id;
  item.append(label);
  $('users').append(item);
}

function pickUser(userId) {
  state.pickedUserId = userId;
  const user = state.users.get(userId);
  $('order-user').textContent = user ? `${user.displayName} <${user.email}>` : userId;
  $('register-order').disabled = false;
}

async function onCreateUser(event) {
  event.preventDefault();
  clearError();
  const form = event.target;
  try {
    const user = await createUser({ displayName: form.displayName.value, email: form.email.value });
    form.reset();
    state.users.set(user.id, user);
    pickUser(user.id);
    refreshUsers();
  } catch (error) {
    showError(error);
  }
}

// --- Orders ---

function readOrder(form) {
  const currency = form.currency.value.trim().toUpperCase();
  const items = [];
  form.querySelectorAll('#items tr').forEach((row, i) => {
    const product = row.querySelector('[name=product]').value;
    if (product.trim() === '') {
      return;
    }
    const price = row.querySelector('[name=price]').value;
    const unitPrice = parseMoney(price, currency);
    if (!unitPrice) {
      throw new Error(`Price ${i + 1}: "${price}" is not a number like 1.50`);
    }
    items.push({ product, quantity: Number(row.querySelector('[name=quantity]').value), unitPrice });
  });
  return {
    userId: state.pickedUserId,
    items,
    deliveryAddress: {
      street: form.street.value,
      number: form.number.value,
      city: form.city.value,
      postalCode: form.postalCode.value,
    },
  };
}

async function onRegisterOrder(event) {
  event.preventDefault();
  clearError();
  try {
    showOrder(await registerOrder(readOrder(event.target)));
  } catch (error) {
    showError(error);
  }
}

function showOrder(order) {
  state.watch?.close();
  state.orderId = order.id;
  $('order-id').textContent = order.id;
  $('order-total').textContent = formatMoney(order.total);
  $('timeline').replaceChildren();
  $('order').hidden = false;
  addStatus(order);
  state.watch = watchOrder(order.id, {
    onMessage: ({ order: changed }) => addStatus(changed),
    onError: showError,
  });
}

// Adds the order's status to the timeline unless it is not past the last one shown: the cancel reply and the
// watch both report CANCELLED, and a watch that reconnects starts again with the current state.
function addStatus(order) {
  const timeline = $('timeline');
  const last = timeline.lastElementChild?.dataset.status;
  if (order.id !== state.orderId || (last && rank(order.status) <= rank(last))) {
    return;
  }
  const item = document.createElement('li');
  item.dataset.testid = 'status';
  item.dataset.status = order.status;
  const time = document.createElement('time');
  time.dateTime = order.updateTime;
  time.textContent = new Date(order.updateTime).toLocaleTimeString();
  item.append(STATUSES.get(order.status) ?? order.status, ' ', time);
  timeline.append(item);
  $('cancel-order').disabled = FINAL.has(order.status);
}

async function onCancelOrder() {
  clearError();
  try {
    addStatus(await cancelOrder(state.orderId));
  } catch (error) {
    showError(error);
  }
}

$('user-form').addEventListener('submit', onCreateUser);
$('refresh-users').addEventListener('click', refreshUsers);
$('order-form').addEventListener('submit', onRegisterOrder);
$('cancel-order').addEventListener('click', onCancelOrder);
refreshUsers();
