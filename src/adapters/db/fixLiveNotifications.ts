// Works around a defect of the surrealdb SDK (2.0.8, the newest): `ChannelIterator.submit`
// hands a value to a waiting `next()` but keeps that waiter, so a second value submitted before
// the consumer asks again goes to the spent waiter and is lost. Over ws:// several live-query
// notifications often arrive in one network read and are submitted back to back: a burst of
// 300 rows written in one statement reached a LIVE SELECT as 157 notifications. The bridge
// would then see those rows only at its next reconciliation pass.
//
// Every live query in the SDK and in @surrealdb/node goes through this one class, so the fix
// replaces its queueing (next/submit) and keeps its own cleanup (cancel/return/throw). It is
// applied only when a probe shows the defect, so a fixed SDK is left untouched.
import { ChannelIterator } from 'surrealdb';

interface Channel {
  queue: unknown[];
  waiter?: (result: IteratorResult<unknown>) => void;
  done: boolean;
}

type Proto = {
  next(): Promise<IteratorResult<unknown>>;
  submit(value: unknown): void;
  cancel(): void;
  return(): Promise<IteratorResult<unknown>>;
  throw(error: unknown): Promise<IteratorResult<unknown>>;
};

let applied: boolean | undefined;

/** True when the SDK loses back-to-back values (and the fix was installed). Idempotent. */
export async function fixLiveNotifications(): Promise<boolean> {
  applied ??= await losesBackToBackValues();
  if (applied) install();
  return applied;
}

async function losesBackToBackValues(): Promise<boolean> {
  const probe = new ChannelIterator<number>();
  const first = probe.next();
  probe.submit(1);
  probe.submit(2);
  await first;
  const second = await Promise.race([probe.next(), new Promise<'lost'>((resolve) => setTimeout(() => resolve('lost'), 50))]);
  probe.cancel();
  return second === 'lost';
}

let installed = false;
function install(): void {
  if (installed) return;
  installed = true;
  const proto = ChannelIterator.prototype as unknown as Proto;
  const original = { cancel: proto.cancel, return: proto.return, throw: proto.throw };
  const channels = new WeakMap<object, Channel>();
  const of = (self: object): Channel => {
    let channel = channels.get(self);
    if (!channel) channels.set(self, (channel = { queue: [], done: false }));
    return channel;
  };
  const finish = (self: object) => {
    const channel = of(self);
    channel.done = true;
    channel.queue.length = 0; // as the SDK does: a cancelled channel ends at once
    const waiter = channel.waiter;
    channel.waiter = undefined;
    waiter?.({ value: undefined, done: true });
  };
  proto.next = function (this: object) {
    const channel = of(this);
    if (channel.queue.length > 0) return Promise.resolve({ value: channel.queue.shift(), done: false });
    if (channel.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (channel.waiter = resolve));
  };
  proto.submit = function (this: object, value: unknown) {
    const channel = of(this);
    if (channel.done) return;
    const waiter = channel.waiter;
    channel.waiter = undefined;
    if (waiter) waiter({ value, done: false });
    else channel.queue.push(value);
  };
  proto.cancel = function (this: object) {
    original.cancel.call(this);
    finish(this);
  };
  proto.return = function (this: object) {
    finish(this);
    return original.return.call(this);
  };
  proto.throw = function (this: object, error: unknown) {
    finish(this);
    return original.throw.call(this, error);
  };
}
