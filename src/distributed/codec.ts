// The wire form of task arguments and outcomes: v8 serialization (Map, Set, Date, BigInt,
// RegExp, typed arrays and errors survive; JSON would flatten them), carried as base64 in
// BullMQ's JSON job data and return values.
//
// Shared memory cannot reach another machine: a SharedArrayBuffer, a view over one, or one of
// nogil's shared primitives (Lock, Queue, Value, ...) is a TypeError at submit time, never a
// silent copy (v8's default serializer would copy a view over shared memory byte by byte).
import { DefaultSerializer, deserialize } from 'node:v8';
import { withCode } from '../internal/errors.js';
import { refuseShared } from '../internal/shareable.js';

const WHERE = 'a distributed worker (another process, maybe another machine)';

function sharedMemoryError(what: string): TypeError {
  return withCode(
    new TypeError(`A ${what} cannot be sent to ${WHERE}: shared memory stays in one process; pass a copy instead`),
    'ERR_INVALID_ARG_TYPE',
  );
}

// The hooks v8.Serializer calls (not in @types/node's declarations).
interface SerializerHooks {
  _writeHostObject(object: object): void;
  _getSharedArrayBufferId(buffer: SharedArrayBuffer): number;
}

/** v8's default serializer, refusing shared memory instead of copying or referencing it. */
class WireSerializer extends DefaultSerializer {
  _writeHostObject(object: object): void {
    if (ArrayBuffer.isView(object) && object.buffer instanceof SharedArrayBuffer) {
      throw sharedMemoryError(`SharedArrayBuffer (under a ${object.constructor.name})`);
    }
    (DefaultSerializer.prototype as unknown as SerializerHooks)._writeHostObject.call(this, object);
  }

  _getSharedArrayBufferId(_buffer: SharedArrayBuffer): number {
    throw sharedMemoryError('SharedArrayBuffer');
  }
}

/**
 * Serializes `value` to base64. Throws a TypeError (`ERR_INVALID_ARG_TYPE`) naming what cannot
 * cross (a function, a symbol, shared memory); `what` says whose value it is ('the arguments').
 */
export function encode(value: unknown, what: string): string {
  refuseShared(value, WHERE, what);
  const serializer = new WireSerializer();
  serializer.writeHeader();
  try {
    serializer.writeValue(value);
  } catch (error) {
    if (error instanceof TypeError) throw error;
    // v8's DataCloneError: "() => 1 could not be cloned."
    throw withCode(
      new TypeError(`${what} cannot be sent to ${WHERE}: ${(error as Error).message}`, { cause: error }),
      'ERR_INVALID_ARG_TYPE',
    );
  }
  return serializer.releaseBuffer().toString('base64');
}

/** The value `encode` serialized. */
export function decode(data: string): unknown {
  if (typeof data !== 'string') throw new TypeError(`expected a base64 string, got ${typeof data}`);
  return deserialize(Buffer.from(data, 'base64'));
}
