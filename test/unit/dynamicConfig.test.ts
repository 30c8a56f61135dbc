import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEV_SERVER_DYNAMIC_CONFIG } from '../../src/adapters/temporal/devServer.js';

void test("the compose stack's Temporal server gets the same dynamic config as every dev server we start (timer precision, new matcher)", () => {
  const file = parse(readFileSync(new URL('../../deploy/temporal-dynamicconfig.yaml', import.meta.url), 'utf8')) as Record<string, { value: unknown }[]>;
  assert.equal(DEV_SERVER_DYNAMIC_CONFIG['history.timerProcessorMaxTimeShift'], '50ms');
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
    assert.deepEqual(file[key]?.[0]?.value, value, `${key} in deploy/temporal-dynamicconfig.yaml`);
  }
});
