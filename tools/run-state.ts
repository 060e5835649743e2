// What the root-only tools (the labs, bench:wan) share to undo a run: whether a process they started still lives, and
// a JSON state file written as the run goes, read back by cleanup or by the next run.
import * as fs from "node:fs";

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Saves and loads one run's state at `file`; a missing or unreadable file loads as undefined. */
export function stateFile<T>(file: string): { save(state: T): void; load(): T | undefined } {
  return {
    save: (state) => fs.writeFileSync(file, JSON.stringify(state, null, 2)),
    load: () => {
      try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as T;
      } catch {
        return undefined;
      }
    },
  };
}
