/** The command registry names each command as the command names itself, once, and loads every one. */
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, loadCommand, loadCommands } from './index.ts';

describe('command registry', () => {
  it('loads each command under the name it gives itself, each name once', async () => {
    const commands = await loadCommands();
    expect(commands.map((c) => c.name)).toEqual(COMMAND_NAMES);
    expect(new Set(COMMAND_NAMES).size).toBe(COMMAND_NAMES.length);
    expect((await loadCommand('search'))?.name).toBe('search');
    expect(await loadCommand('no-such-command')).toBeUndefined();
  });
});
