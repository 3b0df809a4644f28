/**
 * The pack check found something a user of the published packages would hit: a command that
 * failed or ran past its deadline (the message names the step, the command, the directory and the
 * tail of its output), a tarball with files it must not ship, or a program whose output is wrong.
 */
export class PackCheckFailed extends Error {
  override readonly name = 'PackCheckFailed';

  constructor(
    readonly step: string,
    detail: string,
    cause?: unknown,
  ) {
    super(`pack check, step "${step}": ${detail}`, cause === undefined ? undefined : { cause });
  }
}
