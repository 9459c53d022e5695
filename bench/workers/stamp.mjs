// Piscina worker for bench/threading.mjs: reports when the task started running.
export default function stamp() {
  return performance.timeOrigin + performance.now();
}
