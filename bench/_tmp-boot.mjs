import { Thread } from 'nogil/threading';

new Thread({ target: () => {} }); // boots the pool
await new Promise((r) => setTimeout(r, 1500));
const ms = [];
for (let i = 0; i < 10; i++) {
  const cell = new Float64Array(new SharedArrayBuffer(8));
  const t0 = performance.timeOrigin + performance.now();
  const t = new Thread({
    target: (c) => {
      c[0] = performance.timeOrigin + performance.now();
    },
    args: [cell],
  });
  t.start();
  await t.join();
  ms.push(cell[0] - t0);
  await new Promise((r) => setTimeout(r, 200));
}
console.log(ms.map((x) => x.toFixed(1)).join(' '));
