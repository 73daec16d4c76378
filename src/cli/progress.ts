/**
 * Progress lines for long commands. On a terminal, a transient line (work in
 * progress) is rewritten in place by the next; elsewhere (CI, cron, a log
 * file) every line is printed plainly with a UTC timestamp, so a scheduler's
 * log shows when each step ran.
 */
export type Log = (line: string, options?: {transient?: boolean}) => void;

export function progressLog(stream: NodeJS.WriteStream = process.stderr, env: NodeJS.ProcessEnv = process.env): Log {
  const live = Boolean(stream.isTTY) && !env.CI;
  let pending = false;
  return (line, {transient = false} = {}) => {
    if (live) {
      stream.write(`${pending ? "\r\x1b[K" : ""}${line}${transient ? "" : "\n"}`);
      pending = transient;
    } else {
      stream.write(`${new Date().toISOString().slice(0, 19)}Z ${line}\n`);
    }
  };
}
