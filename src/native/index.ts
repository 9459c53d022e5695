/**
 * `nogil/native`: the Rust core. CPU kernels callable on the current thread, the same kernels
 * in plain TypeScript (`js`), a pool of native OS threads (`NativePool`), and the tutorial's
 * counter race on native threads.
 *
 * @module
 */
export { nativeAvailable, nativeLoadError, nativeLoadInfo, platformName } from './binding.js';
export * as js from './js.js';
export { type KernelName, kernelNames } from './kernel-table.js';
export { bruteGcd, factorize, gcd, sleep } from './kernels.js';
export {
  type KernelArgs,
  type KernelInput,
  type KernelResult,
  type KernelTypedResults,
  NativePool,
  type NativePoolOptions,
  type NativeTaskOptions,
  type NumericTypedArray,
} from './pool.js';
export { type CounterRaceOptions, counterRace } from './race.js';
