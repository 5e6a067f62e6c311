// Running server tasks (import, detect, batch) from the progress events; a finished task stays
// visible for a moment so its result can be read.
import { useEffect, useState } from 'react';
import type { ProgressEvent } from '../../src-shared/api/contract.js';
import type { Transport } from '../api/transport.js';

const FINISHED_TASK_LINGER_MS = 2500;

export function useTasks(transport: Transport): ProgressEvent[] {
  const [tasks, setTasks] = useState<Record<string, ProgressEvent>>({});
  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const off = transport.onProgress((ev) => {
      setTasks((t) => ({ ...t, [ev.taskId]: ev }));
      if (ev.total > 0 && ev.done >= ev.total) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          setTasks(({ [ev.taskId]: _gone, ...rest }) => rest);
        }, FINISHED_TASK_LINGER_MS);
        timers.add(timer);
      }
    });
    return () => {
      off();
      for (const t of timers) clearTimeout(t);
    };
  }, [transport]);
  return Object.values(tasks);
}
