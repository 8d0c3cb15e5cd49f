// Makes a fresh repository in a temporary directory with the real binary (init, import the demo
// data, add an analyst, a legal officer and four persons for record linkage), serves dist/ from
// it on a free port, and stops it with SIGTERM when the tests end. The tests read the address,
// passwords, the linkage persons' ids and the repository's verifier key (as `custodian key`
// prints it) from the environment set here.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.resolve(here, '..');

export const ADMIN = 'admin';
export const ADMIN_PASSWORD = 'correct horse battery staple (admin)';
export const ANALYST = 'ana';
export const ANALYST_PASSWORD = 'analyst has a long password';
export const LEGAL = 'lena';
export const LEGAL_PASSWORD = 'legal officer with a long password';

/** Persons added for the linkage tests: the first three are the same man. Their names are
 *  sealed (an analyst must never see them). */
export const LINK_PERSONS = [
  { name: '김철수', lang: 'ko', sex: 'male', born: '1975', origin: 'plc-kp-north-hamgyong-onsong' },
  { name: 'Kim Chol-su', lang: 'ko-Latn', sex: 'male', born: '1975', origin: 'plc-kp-north-hamgyong-onsong' },
  { name: 'Gim Cheol-su', lang: 'ko-Latn', sex: 'male', born: '1975', origin: 'plc-kp-north-hamgyong-onsong' },
  { name: '박영희', lang: 'ko', sex: 'female', born: '1982', origin: 'plc-kp-pyongyang' },
];

export default async function globalSetup(): Promise<() => Promise<void>> {
  const binary = process.env.CUSTODIAN_BINARY ?? '/work/main/build/release/src/cli/custodian';
  const tmp = mkdtempSync(path.join(tmpdir(), 'custodian-web-e2e-'));
  const repo = path.join(tmp, 'repo');
  const keyFile = path.join(tmp, 'repo.key');
  const base: NodeJS.ProcessEnv = { ...process.env, CUSTODIAN_PASSWORD: ADMIN_PASSWORD };
  for (const v of ['CUSTODIAN_REPO', 'CUSTODIAN_ACCOUNT', 'CUSTODIAN_KEY_FILE', 'CUSTODIAN_PASSPHRASE']) delete base[v];
  const run = (args: string[], env: NodeJS.ProcessEnv) => execFileSync(binary, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });

  run(['init', repo, '--as', ADMIN, '--key-file', keyFile, '--no-passphrase'], base);
  const withKey = { ...base, CUSTODIAN_KEY_FILE: keyFile };
  run(['-C', repo, '--as', ADMIN, 'import', path.resolve(web, '../data/demo/demo.jsonl')], withKey);
  run(['-C', repo, '--as', ADMIN, 'account', 'add', ANALYST, '--role', 'analyst'], { ...withKey, CUSTODIAN_NEW_PASSWORD: ANALYST_PASSWORD });
  // For claims, dossiers and the audit (claims.spec.ts, audit.spec.ts): a legal officer without
  // identity clearance.
  run(['-C', repo, '--as', ADMIN, 'account', 'add', LEGAL, '--role', 'legal_officer'], { ...withKey, CUSTODIAN_NEW_PASSWORD: LEGAL_PASSWORD });
  // For record linkage (link.spec.ts): one man written three ways, and an unrelated woman.
  const linkIds = LINK_PERSONS.map((p) => run(['-C', repo, '--as', ADMIN, 'add', 'person',
    '--set', `names=${JSON.stringify([{ text: p.name, lang: p.lang }])}`,
    '--set', `sex=${p.sex}`, '--set', `born=${p.born}`, '--set', `origin=${p.origin}`], withKey).toString().trim().split('\n').pop() ?? '');

  // The key a user would paste as trusted (trust.spec.ts), as the CLI prints it.
  const verifierKey = run(['-C', repo, '--as', ADMIN, 'key'], withKey).toString().trim();

  const serverEnv: NodeJS.ProcessEnv = { ...process.env, CUSTODIAN_KEY_FILE: keyFile };
  for (const v of ['CUSTODIAN_REPO', 'CUSTODIAN_ACCOUNT', 'CUSTODIAN_PASSWORD', 'CUSTODIAN_PASSPHRASE']) delete serverEnv[v];
  const server: ChildProcess = spawn(binary, ['-C', repo, 'serve', '--port', '0', '--web', path.join(web, 'dist')], {
    env: serverEnv, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  server.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`custodian serve did not start in 20 s: ${stderr}`)), 20_000);
    server.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      const m = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(line);
      if (out.includes('\n') || m) {
        clearTimeout(timer);
        if (m) resolve(`http://127.0.0.1:${m[1]}`);
        else reject(new Error(`unexpected first line from custodian serve: ${line}`));
      }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`custodian serve exited with ${code}: ${stderr}`)); });
  });

  process.env.CUSTODIAN_TEST_URL = url;
  process.env.CUSTODIAN_TEST_ADMIN_PASSWORD = ADMIN_PASSWORD;
  process.env.CUSTODIAN_TEST_ANALYST_PASSWORD = ANALYST_PASSWORD;
  process.env.CUSTODIAN_TEST_LEGAL_PASSWORD = LEGAL_PASSWORD;
  process.env.CUSTODIAN_TEST_VERIFIER_KEY = verifierKey;
  process.env.CUSTODIAN_TEST_LINK_IDS = linkIds.join(',');
  writeFileSync(path.join(tmp, 'url'), url);

  return async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    rmSync(tmp, { recursive: true, force: true });
  };
}
