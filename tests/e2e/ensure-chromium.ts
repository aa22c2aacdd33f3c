// Makes sure Debian's Chromium is present for the browser tests (Playwright cannot download its own here).
// As root it installs the `chromium` package with apt-get; otherwise it says exactly what to install.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function main(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.env.CHROMIUM_PATH) {
    console.error(`CHROMIUM_PATH is set to ${CHROMIUM}, but no file is there.`);
    process.exit(1);
  }
  if (process.getuid?.() !== 0) {
    console.error('The browser tests need Debian\'s Chromium at /usr/bin/chromium.\n' +
      'Install it with:  sudo apt-get update && sudo apt-get install -y chromium\n' +
      'or point CHROMIUM_PATH at another Chromium binary.');
    process.exit(1);
  }
  console.log('Chromium is missing: installing Debian\'s chromium package with apt-get…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit', env });
  if (!existsSync(CHROMIUM)) {
    console.error(`apt-get finished but ${CHROMIUM} is still missing.`);
    process.exit(1);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) main();
