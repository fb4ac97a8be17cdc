/** Why an uploaded archive was refused; clients read it from the error message, the manifest never sees one. */
export type InvalidArchiveReason =
  | 'not_a_zip'
  | 'corrupt'
  | 'empty'
  | 'unsafe_path'
  | 'symlink'
  | 'nested_zip'
  | 'too_many_entries'
  | 'too_large'
  | 'compression_ratio'
  | 'unknown_platform'
  | 'unsupported_platform'
  | 'platform_mismatch'
  /** A top-up whose connected account is not the archive's: merging them would mix two people's posts. */
  | 'account_mismatch';

/**
 * An uploaded archive that cannot be imported. The upload route answers it as 400 INVALID_ARCHIVE, and
 * an import that meets it while reading (a lying size, a bad checksum) fails with the same code.
 */
export class InvalidArchiveError extends Error {
  constructor(
    readonly reason: InvalidArchiveReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidArchiveError';
  }
}
