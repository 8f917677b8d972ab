import type { Command } from 'commander';
import { buildProgram } from './main';

/** Each command with its full name (`index-registry manifest diff`), the program first. */
function everyCommand(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const name = [...path, command.name()];
  return [{ name: name.join(' '), command }, ...command.commands.flatMap((sub) => everyCommand(sub, name))];
}

/** What `--help` prints, the text added after the usage included. */
function helpOf(command: Command): string {
  let text = '';
  command.configureOutput({ writeOut: (chunk) => (text += chunk), writeErr: (chunk) => (text += chunk) });
  command.outputHelp();
  return text;
}

describe('--help', () => {
  it('ends with examples on every command, the command groups included, each example running the command itself', () => {
    const commands = everyCommand(buildProgram()).filter(({ command }) => command.name() !== 'help');
    expect(commands.length).toBeGreaterThan(40);
    const withoutExamples = commands.filter(({ command }) => !/\nExamples:\n {2}\$ /.test(helpOf(command)));
    expect(withoutExamples.map(({ name }) => name)).toEqual([]);
    for (const { name, command } of commands.slice(1)) {
      expect({ name, examples: helpOf(command).match(/^ {2}\$ .*$/gm) }).toEqual({
        name,
        examples: expect.arrayContaining([expect.stringMatching(new RegExp(`${name}( |$)`))]),
      });
    }
  });

  it('lists --output table|json on every command: a global option, which every command takes and shows', () => {
    for (const { name, command } of everyCommand(buildProgram()).filter(({ command }) => command.name() !== 'help')) {
      expect(command.optsWithGlobals()).toMatchObject({ output: 'table' });
      expect({ name, help: helpOf(command) }).toEqual({
        name,
        help: expect.stringMatching(/-o, --output <format>\s+table or json \(choices:\s+"table",\s+"json",\s+default:\s+"table"\)/),
      });
    }
  });
});
