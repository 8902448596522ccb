import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "@wms/config";

/**
 * The embedded database belongs to one process: PGlite does not coordinate writers, so two
 * processes on one directory would each see (and overwrite) their own copy. The first process
 * holds `<dir>/pglite.lock` with its pid; another live process on the same directory is
 * refused at once; a lock left by a process that died is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, "pglite.lock");
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        process.off("exit", release);
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number(readFileSafely(file));
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new ConfigError([
        `DATA_DIR=${dataDir} holds an embedded database already open in process ${holder}: ` +
          "one embedded database serves one process (run `npm start` for the whole mesh in one process), " +
          "or give separate processes a PostgreSQL DATABASE_URL",
      ]);
    }
    try {
      unlinkSync(file); // stale: its process is gone
    } catch {
      // another starter removed it first; try again
    }
  }
  throw new ConfigError([`DATA_DIR=${dataDir}: could not take ${file}; remove it if no process uses this directory`]);
}

function readFileSafely(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function isAlive(pid: number): boolean {
  // This process locks a directory once (see sharedPglite), so its own pid in the file was
  // left by an earlier run with the same pid: a restarted container is pid 1 again.
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
