// Task status words: how one queued or running native task is aborted, and how JavaScript
// knows, synchronously and exactly, whether a pool thread has started it.
//
// A controlled task owns one 32-bit word of a control block, memory that Rust allocates and
// JavaScript sees as an Int32Array (`controlBlock(client)`); both sides change it only with
// atomic operations. The protocol is written out in native/core/src/control.rs:
//
//   JS claims it:  FREE → QUEUED              pool thread picks it:  QUEUED → RUNNING
//   JS aborts:     QUEUED → CANCELLED (never runs) or RUNNING → ABORTED (stops at next check)
//   kernel done:   RUNNING → DONE (result delivered)      Rust lets go:  anything → FREE
//
// A word is reused only once JavaScript is done with its task (settled or aborted) *and* it
// reads FREE, which Rust writes last: a word the pool still holds is never handed out twice.
import { binding } from './binding.js';
import { client } from './completions.js';

/** The states of a status word (the same numbers as `status` in native/core/src/control.rs). */
export const FREE = 0;
export const QUEUED = 1;
export const RUNNING = 2;
export const CANCELLED = 3;
export const ABORTED = 4;
export const DONE = 5;

/** Words per control block (CONTROL_BLOCK_WORDS in native/binding/src/napi/state.rs). */
const BLOCK_WORDS = 1024;

const blocks: Int32Array[] = [];
/** Words released by JavaScript, reusable once they read FREE. */
const released: number[] = [];
/** Released words that did not read FREE yet when last looked at. */
const lingering: number[] = [];

function block(slot: number): Int32Array {
  return blocks[Math.floor(slot / BLOCK_WORDS)]!;
}

/** The current state of `slot`. */
export function slotState(slot: number): number {
  return Atomics.load(block(slot), slot % BLOCK_WORDS);
}

/** Takes a FREE word, marks it QUEUED and returns its slot number. */
export function claimSlot(): number {
  for (;;) {
    while (released.length > 0) {
      const slot = released.pop()!;
      if (slotState(slot) === FREE) {
        Atomics.store(block(slot), slot % BLOCK_WORDS, QUEUED);
        return slot;
      }
      lingering.push(slot);
    }
    if (lingering.length > 0 && lingering.some((slot) => slotState(slot) === FREE)) {
      released.push(...lingering.splice(0));
      continue;
    }
    const first = blocks.length * BLOCK_WORDS;
    blocks.push(binding().controlBlock(client()));
    for (let i = BLOCK_WORDS - 1; i >= 0; i--) released.push(first + i);
  }
}

/** JavaScript is done with the task of `slot` (it settled, or was aborted). */
export function releaseSlot(slot: number): void {
  released.push(slot);
}

/** Resets a word the addon never took (the submission that carried it was refused). */
export function resetSlot(slot: number): void {
  Atomics.store(block(slot), slot % BLOCK_WORDS, FREE);
}

/** Atomically moves `slot` from `from` to `to`; whether it did. */
export function transition(slot: number, from: number, to: number): boolean {
  return Atomics.compareExchange(block(slot), slot % BLOCK_WORDS, from, to) === from;
}
