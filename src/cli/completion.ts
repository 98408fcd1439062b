import type { Command } from './command.js';

/** Long flags of `cmd` for completion: the own flags its builder declares (not one-letter aliases), its shared options, --help and --version. */
function flagsOf(cmd: Command, own: (cmd: Command) => string[]): string[] {
  const names = own(cmd).filter((n) => n.length > 1 && n !== 'help' && n !== 'version');
  return [...names, ...cmd.options, 'help', 'version'].map((n) => `--${n}`);
}

/**
 * `netscore completion`: prints a bash completion script that completes the
 * command names and each command's own flags, and file names after them.
 */
export async function completion(commands: readonly Command[]): Promise<number> {
  const { default: yargs } = await import('yargs');
  const own = (cmd: Command) => (cmd.builder ? Object.keys((cmd.builder(yargs([])) as unknown as { getOptions: () => { key: Record<string, unknown> } }).getOptions().key) : []);
  const cases = commands.map((c) => `    ${c.name}) flags="${flagsOf(c, own).join(' ')}" ;;`).join('\n');
  const script = `# bash completion for netscore; load it with: source <(netscore completion)
_netscore() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd="" flags="" w
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) ;; *) cmd=$w; break ;; esac
  done
  if [[ -z $cmd && $cur != -* ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur"))
    return
  fi
  case "\${cmd:-${commands.find((c) => c.isDefault)?.name ?? 'run'}}" in
${cases}
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _netscore netscore
`;
  process.stdout.write(script);
  return 0;
}
