import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

const text = (path: string) => readFile(new URL(`../${path}`, import.meta.url), 'utf8');

describe('packaging › dependencies', () => {
  it('packages released together (the Bull Board parts) are pinned to one exact version', async () => {
    const manifest = JSON.parse(await text('package.json')) as { dependencies: Record<string, string> };
    const board = Object.entries(manifest.dependencies).filter(([name]) => name.startsWith('@bull-board/'));
    expect(board.length).toBeGreaterThanOrEqual(2);
    const versions = new Set(board.map(([, version]) => version));
    expect(versions.size).toBe(1);
    expect([...versions][0]).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('packaging › the image', () => {
  it("the runtime stage's app files stay root's (read-only to the runtime user), and it runs as node", async () => {
    const dockerfile = await text('Dockerfile');
    const runtime = dockerfile.slice(dockerfile.indexOf(' AS runtime'));
    const copies = runtime.split('\n').filter((line) => line.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(0);
    for (const line of copies) expect(line).not.toMatch(/--chown|--chmod/);
    expect(runtime).toMatch(/^USER node$/m);
  });
});

describe('packaging › one Node.js story', () => {
  it('the README, docs/development.md, engines, the image and CI name the same versions', async () => {
    const manifest = JSON.parse(await text('package.json')) as { engines: { node: string } };
    const [readme, development, dockerfile, ci] = await Promise.all([
      text('README.md'),
      text('docs/development.md'),
      text('Dockerfile'),
      text('.ci/run'),
    ]);
    const minimum = /^>=(\d+\.\d+)$/.exec(manifest.engines.node)?.[1];
    expect(minimum).toBeDefined();
    expect(readme).toContain(`Node.js ${minimum} or later`);
    expect(development).toContain(`${minimum} or later`);
    const lts = /^FROM node:(\d+)-slim AS runtime$/m.exec(dockerfile)?.[1];
    expect(lts).toBeDefined();
    expect(readme).toContain(`\`node:${lts}-slim\``);
    expect(development).toContain(`\`node:${lts}-slim\``);
    expect(ci).toContain(`node@${lts}`);
  });

  it('ships the MIT license package.json names', async () => {
    const manifest = JSON.parse(await text('package.json')) as { license: string };
    expect(manifest.license).toBe('MIT');
    expect((await text('LICENSE')).split('\n')[0]).toBe('MIT License');
  });
});

describe('packaging › Docker Compose', () => {
  it('publishes the api ports (public and ADMIN_PORT) on loopback only', async () => {
    const compose = await text('docker-compose.yml');
    const api = compose.slice(compose.indexOf('\n  api:'), compose.indexOf('\n  worker:'));
    const published = [...api.matchAll(/^\s+- '([^']+)'$/gm)].map((match) => match[1]);
    expect(published.length).toBeGreaterThan(0);
    for (const mapping of published) expect(mapping).toMatch(/^127\.0\.0\.1:/);
  });
});
