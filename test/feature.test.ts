import { describe, expect, it } from 'vitest';
import { maintenanceJobs, type Feature } from '../src/feature.js';

const job = (name: string) => ({ name, handler: async () => undefined });

describe('feature › maintenanceJobs', () => {
  it('collects every feature’s jobs in order', () => {
    const features: Feature[] = [
      { name: 'a', maintenance: [job('one'), job('two')] },
      { name: 'b' },
      { name: 'c', maintenance: [job('three')] },
    ];
    expect(maintenanceJobs(features).map((entry) => entry.name)).toEqual(['one', 'two', 'three']);
  });

  it('refuses two jobs with one name, naming both features, instead of running one handler for both', () => {
    const features: Feature[] = [
      { name: 'subscription', maintenance: [job('check')] },
      { name: 'reconcile', maintenance: [job('check')] },
    ];
    expect(() => maintenanceJobs(features)).toThrow(
      'Maintenance job "check" is declared by both the subscription and the reconcile feature',
    );
  });
});
