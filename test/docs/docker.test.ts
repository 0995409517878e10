import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// No Docker on the test machines: these read the files the walkthrough (docs/docker.md) relies on.
const compose = readFileSync('docker-compose.yml', 'utf8');
const walkthrough = readFileSync('docs/docker.md', 'utf8');
const prometheus = readFileSync('deploy/prometheus.yml', 'utf8');

describe('docs › Docker walkthrough', () => {
  it('PORT in .env only picks the published port: the containers always listen on 3000', () => {
    expect(compose).toMatch(/x-stack-env: &stack-env\n(?: {2}.*\n)*? {2}PORT: 3000\n/);
    expect(compose).toContain("- '127.0.0.1:${PORT:-3000}:3000'");
    // Both the api and the workers take the fixed settings over what env_file (.env) says.
    expect(compose.match(/environment:\n\s+<<: \*stack-env/g)).toHaveLength(2);
  });

  it('names the Compose version the env_file long form needs', () => {
    expect(compose).toMatch(/env_file:\n\s+- path: \.env\n\s+required: false/);
    expect(walkthrough).toContain('Compose 2.24 or later');
  });

  it('covers build, .env, scaling, subscribe inside the stack, TLS in front and scraping the workers', () => {
    for (const step of [
      'docker compose build',
      'cp .env.example .env',
      'docker compose up -d --scale worker=3',
      'docker compose exec api node bin/rc-enrich.js subscribe',
      'docker compose --profile tls up',
      'docker compose --profile monitoring up',
    ])
      expect(walkthrough).toContain(step);
    expect(compose).toContain('./deploy/Caddyfile:/etc/caddy/Caddyfile');
    // Prometheus scrapes the ADMIN_PORT the stack sets, where /metrics lives.
    expect(compose).toMatch(/x-stack-env: &stack-env\n(?: {2}.*\n)*? {2}ADMIN_PORT: 9100\n/);
    expect(prometheus).toMatch(/names: \['api', 'worker'\]\n\s+type: A\n(?:\s+#.*\n)?\s+port: 9100/);
  });
});
