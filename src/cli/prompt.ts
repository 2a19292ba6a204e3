// Reads a password for the CLI: from a pipe (scripts, tests) or typed at a terminal without echo.
import { createInterface } from 'node:readline';

async function fromPipe(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  // Only the first line: `printf 'pw\n' | tessera ...` and here-docs both work.
  return text.split(/\r?\n/)[0] ?? '';
}

function typed(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    // Mute the echo: only the prompt itself is written.
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (s.startsWith(prompt)) write.call(rl, prompt);
    };
    rl.question(prompt, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** At a terminal the password is asked twice; from a pipe it is read once. */
export async function readPassword(what: string): Promise<{ password: string; confirm?: string }> {
  if (!process.stdin.isTTY) return { password: await fromPipe() };
  const password = await typed(`${what}: `);
  const confirm = await typed(`${what} again: `);
  return { password, confirm };
}
