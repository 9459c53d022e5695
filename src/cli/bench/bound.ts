// The makespan bound: the shortest time in which `workers` workers can possibly finish tasks
// of the given serial durations (no task split, no overhead). Exact for up to 16 tasks (branch
// and bound over assignments, as the tutorial's 12 pairs need: the three 65 ms pairs cannot be
// split over 2 workers), else the best of the classic lower bounds.

/** The optimal (≤ 16 tasks) or a lower bound (more tasks) of the makespan, in the tasks' unit. */
export function makespanBound(tasks: readonly number[], workers: number): number {
  if (tasks.length === 0) return 0;
  const sorted = [...tasks].sort((a, b) => b - a);
  if (workers <= 1) return sorted.reduce((s, x) => s + x, 0);
  if (workers >= sorted.length) return sorted[0] as number;
  return sorted.length <= 16 ? exact(sorted, workers) : lowerBound(sorted, workers);
}

/** max(largest task, average load, the two that must share a worker, the fullest worker's count × smallest task). */
function lowerBound(sorted: readonly number[], workers: number): number {
  const total = sorted.reduce((s, x) => s + x, 0);
  const smallest = sorted[sorted.length - 1] as number;
  return Math.max(
    sorted[0] as number,
    total / workers,
    (sorted[workers - 1] as number) + (sorted[workers] as number),
    Math.ceil(sorted.length / workers) * smallest,
  );
}

function exact(sorted: readonly number[], workers: number): number {
  const loads = new Array<number>(workers).fill(0);
  // Start from the longest-processing-time-first schedule: a good first upper bound prunes most.
  let best = lpt(sorted, workers);
  const floor = lowerBound(sorted, workers);
  const place = (i: number): void => {
    if (best <= floor) return; // cannot do better than a lower bound
    if (i === sorted.length) {
      best = Math.min(best, Math.max(...loads));
      return;
    }
    const seen = new Set<number>();
    for (let k = 0; k < workers; k++) {
      const load = loads[k] as number;
      if (seen.has(load)) continue; // workers with equal loads are interchangeable
      seen.add(load);
      if (load + (sorted[i] as number) >= best) continue;
      loads[k] = load + (sorted[i] as number);
      place(i + 1);
      loads[k] = load;
    }
  };
  place(0);
  return best;
}

/** Longest task first onto the least-loaded worker. */
function lpt(sorted: readonly number[], workers: number): number {
  const loads = new Array<number>(workers).fill(0);
  for (const t of sorted) {
    let k = 0;
    for (let j = 1; j < workers; j++) if ((loads[j] as number) < (loads[k] as number)) k = j;
    loads[k] = (loads[k] as number) + t;
  }
  return Math.max(...loads);
}
