/** Entry point of `rekdc`. Returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  process.stderr.write(`rekdc: not implemented yet: ${argv.join(' ')}\n`);
  return 2;
}
