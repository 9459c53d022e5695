// The error hierarchy's machinery: Python-named classes with Node-style `code`s, an
// `instanceof` that survives duplicate package copies and worker/process boundaries, and a
// plain-object wire form for errors that cross threads or processes.
//
// Why brands: `instanceof` compares prototypes, which differ between two copies of nogil in
// one process and are lost when an error is structured-cloned to another thread. Every nogil
// error class therefore has a brand `Symbol.for('nogil.error.<Name>')`; an instance records the
// brands of its whole class chain, and `Symbol.hasInstance` accepts either a real prototype
// match or a matching brand.

const kBrands = Symbol.for('nogil.error.brands');

/** The registry of nogil error classes by name, used to revive errors from the wire. */
const registry = new Map<string, new (message?: string) => Error>();

/** Extra own properties copied over the wire (besides name, message, stack, code, cause). */
const kWireSkip = new Set(['name', 'message', 'stack', 'cause']);

/**
 * The base of every nogil error. Not exported publicly as a Python name; use the concrete
 * classes (`RuntimeError`, `ValueError`, `Empty`, `CalledProcessError`, ...).
 */
export class NogilError extends Error {
  /** A Node-style error code (`ERR_...`), when the error has one. */
  declare code?: string;

  constructor(message?: string, options?: { cause?: unknown }) {
    super(message, options);
    // The names of every nogil class in this instance's chain, most derived first.
    const brands: string[] = [];
    for (let c = new.target; c && c !== Error; c = Object.getPrototypeOf(c)) {
      const name = (c as { errorName?: string }).errorName;
      if (name) brands.push(name);
    }
    Object.defineProperty(this, kBrands, { value: brands, enumerable: false });
    Object.defineProperty(this, 'name', {
      value: brands[0] ?? 'NogilError',
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }

  /** Prototype match, or (across copies and realms) a brand match. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    const name = (this as { errorName?: string }).errorName;
    if (!name || value === null || typeof value !== 'object') return false;
    const brands = (value as { [kBrands]?: unknown })[kBrands];
    return Array.isArray(brands) && brands.includes(name);
  }
}

/**
 * Declares `cls` as the nogil error class `name`: sets its brand name and registers it so
 * errors of that name are revived as instances of it. Returns the class.
 */
export function registerError<C extends new (...args: never[]) => NogilError>(name: string, cls: C): C {
  Object.defineProperty(cls, 'errorName', { value: name, enumerable: false });
  registry.set(name, cls as unknown as new (message?: string) => Error);
  return cls;
}

/** An error in a form that structured clone (or JSON) carries intact. */
export interface WireError {
  readonly __nogilWireError: true;
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly brands?: readonly string[] | undefined;
  readonly cause?: WireError | undefined;
  readonly props: Record<string, unknown>;
  /** The thrown value was not an Error: this is it (when clonable). */
  readonly value?: unknown;
}

function plainClone(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return String(value);
  }
}

/** Turns any thrown value into a `WireError` (name, message, stack, code and own props). */
export function toWire(error: unknown, depth = 0): WireError {
  if (!(error instanceof Error)) {
    return {
      __nogilWireError: true,
      name: 'Error',
      message: typeof error === 'string' ? error : `non-error value thrown: ${String(error)}`,
      props: {},
      value: plainClone(error),
    };
  }
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(error)) {
    if (kWireSkip.has(key)) continue;
    props[key] = plainClone((error as unknown as Record<string, unknown>)[key]);
  }
  const brands = (error as { [kBrands]?: string[] })[kBrands];
  const cause = (error as { cause?: unknown }).cause;
  return {
    __nogilWireError: true,
    name: error.name,
    message: error.message,
    stack: error.stack,
    brands,
    cause: cause !== undefined && depth < 8 ? toWire(cause, depth + 1) : undefined,
    props,
  };
}

/** Whether a value is a `WireError`. */
export function isWire(value: unknown): value is WireError {
  return (
    value !== null && typeof value === 'object' && (value as { __nogilWireError?: unknown }).__nogilWireError === true
  );
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * Revives a `WireError` as an error of the same class (a registered nogil class, a built-in
 * error class, or `Error` with the original `name`), with message, stack, code and props.
 */
export function fromWire(wire: WireError): Error {
  if ('value' in wire && wire.value !== undefined && wire.name === 'Error' && !wire.stack) {
    return Object.assign(new Error(wire.message), { thrownValue: wire.value });
  }
  const Cls = registry.get(wire.name) ?? builtins[wire.name] ?? Error;
  const error = Object.create(Cls.prototype) as Error;
  Object.defineProperty(error, 'message', {
    value: wire.message,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  // Always an own property: nogil classes name their instances in the constructor, which
  // Object.create skips, and built-ins revived under another name (an Error subclass that is
  // not registered here) must keep the original name.
  Object.defineProperty(error, 'name', {
    value: wire.name,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  if (wire.stack !== undefined) {
    Object.defineProperty(error, 'stack', {
      value: wire.stack,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  if (wire.brands) Object.defineProperty(error, kBrands, { value: [...wire.brands], enumerable: false });
  if (wire.cause) {
    Object.defineProperty(error, 'cause', {
      value: fromWire(wire.cause),
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
  Object.assign(error, wire.props);
  return error;
}

/** An error with a Node-style `code` property. */
export function withCode<E extends Error>(error: E, code: string): E & { code: string } {
  Object.defineProperty(error, 'code', {
    value: code,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return error as E & { code: string };
}
