// Opens the embedded SurrealDB engine through the SDK and keeps hold of its RPC engine, so one
// datastore is both used in this process (`db`) and served to other processes (`rpc`): a
// surrealkv folder can be opened by one engine only (a second open waits on its lock).
import { Surreal, type DriverContext, type RpcEngine } from 'surrealdb';
import { NodeEngine } from '@surrealdb/node';
import { fixLiveNotifications } from '../db/fixLiveNotifications.js';

export interface EmbeddedEngine {
  /** This process's own connection (the engine's default session). */
  db: Surreal;
  /** The engine under `db`: takes RPC requests as SurrealDB's WebSocket protocol carries them. */
  rpc: RpcEngine;
  /** The SDK's CBOR codec (SurrealDB's tags: record ids, uuids, dates...). */
  cbor: DriverContext['codecs']['cbor'];
}

export async function openEmbeddedEngine(options: { url: string; namespace: string; database: string }): Promise<EmbeddedEngine> {
  await fixLiveNotifications(); // live queries are read through the SDK's iterator here too
  let rpc: RpcEngine | undefined;
  let context: DriverContext | undefined;
  const capture = (ctx: DriverContext) => {
    context = ctx;
    rpc = new NodeEngine(ctx);
    return rpc as never;
  };
  const db = new Surreal({ engines: { mem: capture, surrealkv: capture, 'surrealkv+versioned': capture, rocksdb: capture } });
  await db.connect(options.url, { namespace: options.namespace, database: options.database });
  await db.use({ namespace: options.namespace, database: options.database });
  return { db, rpc: rpc!, cbor: context!.codecs.cbor };
}
