// Tutorial section 3 (In [16] and In [19]) on native OS threads: 5 threads x 100000
// increments of one counter, released together by a barrier. Without a lock updates are lost
// (read, then write back read + 1); with a Rust Mutex the count is exact.
//
//   node examples/native/counter-race.mjs
import { counterRace } from 'nogil/native';

console.log(await counterRace({ threads: 5, increments: 100_000, locked: false }));
console.log(await counterRace({ threads: 5, increments: 100_000, locked: true }));
