import { describe, expect, it } from 'vitest';
import { consumerEnv } from './packCheck.js';

describe('consumerEnv', () => {
  it('drops what an enclosing npm or vitest run sets for the repository and keeps the user\'s settings', () => {
    const env = consumerEnv({
      PATH: '/usr/bin',
      HOME: '/home/u',
      npm_config_local_prefix: '/work/main',
      npm_config_workspaces: 'true',
      npm_config_ignore_scripts: 'true',
      npm_package_name: 'engram',
      npm_lifecycle_event: 'test',
      INIT_CWD: '/work/main',
      VITEST: 'true',
      VITEST_POOL_ID: '1',
      npm_config_registry: 'https://registry.example/',
      npm_config_cache: '/home/u/.npm',
      npm_config_nodedir: '/usr',
    });
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      npm_config_registry: 'https://registry.example/',
      npm_config_cache: '/home/u/.npm',
      npm_config_nodedir: '/usr',
    });
  });
});
