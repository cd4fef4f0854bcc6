/** The logging slice of a node that reports on a broker connection. */
interface Logger {
  warn(message: unknown): void;
  log(message: unknown): void;
}

/**
 * A connection state listener that says once, clearly, that a broker cannot be reached (one
 * warning when an outage starts, one line when the connection is back) and stays quiet about
 * the retries in between, which the nodes' status already shows. `describe` words the warning.
 */
export function unreachableNotice(node: Logger, describe: (err: Error) => string, back: string): (state: string, err?: Error) => void {
  let down = false;
  return (state, err) => {
    if (state === 'connected') {
      if (down) node.log(back);
      down = false;
      return;
    }
    // 'failed' (refused credentials, untrusted TLS) is reported as an error where it happens.
    if (down || !err || state === 'failed' || state === 'closed') return;
    down = true;
    node.warn(describe(err));
  };
}
