/** A status text as Linux 6.x prints it, with the credential lines given. */
export function statusText(c: { uid?: string; gid?: string; inh?: string; prm?: string; eff?: string; bnd?: string; amb?: string; nnp?: string }): string {
  return [
    'Name:\tnode',
    'Umask:\t0022',
    `Uid:\t${c.uid ?? '65534\t65534\t65534\t65534'}`,
    `Gid:\t${c.gid ?? '65534\t65534\t65534\t65534'}`,
    'Groups:\t65534 ',
    `CapInh:\t${c.inh ?? '0000000000000000'}`,
    `CapPrm:\t${c.prm ?? '0000000000003000'}`,
    `CapEff:\t${c.eff ?? '0000000000003000'}`,
    `CapBnd:\t${c.bnd ?? '0000000000003000'}`,
    `CapAmb:\t${c.amb ?? '0000000000000000'}`,
    `NoNewPrivs:\t${c.nnp ?? '1'}`,
    'Seccomp:\t2',
    '',
  ].join('\n');
}
