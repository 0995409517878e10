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
