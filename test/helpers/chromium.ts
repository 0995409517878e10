import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The names Chromium's executable goes by in distributions and Google's builds. */
const names = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The first Chromium executable on `PATH`, or undefined. */
export function findChromium(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // not here: keep looking
      }
    }
  }
  return undefined;
}

/**
 * Where the browser tests get their browser. Outside CI a missing Chromium skips them with the reason
 * in the test name; in CI (which installs Chromium, see .ci/run) it is an error, so they never silently
 * stop running.
 */
export function chromiumForTests(): { executable?: string; skipReason?: string } {
  const executable = findChromium();
  if (executable) return { executable };
  const reason = `no Chromium on PATH (looked for ${names.join(', ')})`;
  if (process.env.CI) throw new Error(`The dashboard browser test needs Chromium in CI: ${reason}.`);
  return { skipReason: `${reason}; install it to run this test, CI always does` };
}
