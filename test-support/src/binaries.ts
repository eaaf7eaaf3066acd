import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'apt-get install -y prometheus prometheus-alertmanager pgbouncer';

/** The absolute path of an executable on PATH (plus /usr/sbin and /usr/bin), or undefined. */
export function findBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * For `t.test(name, { skip: requireBinary('prometheus') }, …)`: false when the binary is installed; when it is missing,
 * a skip message naming what to install, except under CI=true, where a missing binary throws so the run fails.
 */
export function requireBinary(name: string): string | false {
  if (findBinary(name) !== undefined) return false;
  const message = `${name} is not installed (${INSTALL_HINT})`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true requires it`);
  return message;
}
