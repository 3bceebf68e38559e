// The flags that pick and reach the file store (`--files`, the `--s3-…` settings), and how they
// become a FilesChoice. Which driver runs is src/runtime's business (openFileStore).
import { FILE_DRIVERS, type FilesChoice } from '../runtime/index.js';
import { type Flags, type ParsedFlags, UsageError } from './options.js';

/** FILE_FLAGS are the file store's flags; every process that runs or serves jobs takes them. */
export const FILE_FLAGS: Flags = {
  files: {
    env: 'LONGRUN_FILES',
    kind: 'string',
    choices: FILE_DRIVERS,
    description: 'Where output files live: local (<data-dir>/files), postgres (in the --db database) or s3 (default: postgres on PostgreSQL, else local)',
  },
  's3-endpoint': { env: 'LONGRUN_S3_ENDPOINT', kind: 'url', description: 'With --files s3: the service URL, e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:9000' },
  's3-bucket': { env: 'LONGRUN_S3_BUCKET', kind: 'string', description: 'With --files s3: the bucket (it must exist)' },
  's3-region': { env: 'LONGRUN_S3_REGION', default: 'us-east-1', kind: 'string', description: 'With --files s3: the region requests are signed for' },
  's3-access-key-id': { env: 'LONGRUN_S3_ACCESS_KEY_ID', kind: 'string', description: 'With --files s3: the access key id' },
  's3-secret-access-key': { env: 'LONGRUN_S3_SECRET_ACCESS_KEY', kind: 'string', description: 'With --files s3: the secret access key (prefer the environment variable)' },
  's3-prefix': { env: 'LONGRUN_S3_PREFIX', default: '', kind: 'string', description: 'With --files s3: a prefix for every key, e.g. longrun/' },
  's3-path-style': {
    env: 'LONGRUN_S3_PATH_STYLE',
    kind: 'boolean',
    description: 'With --files s3: address the bucket as ENDPOINT/BUCKET (MinIO and most self-hosted servers), not BUCKET.HOST',
  },
  'files-redirect': {
    env: 'LONGRUN_FILES_REDIRECT',
    default: '0',
    kind: 'int',
    min: 0,
    max: 604_800,
    description: 'With --files s3: answer downloads with a 302 to a presigned URL valid this many seconds (0: the API sends the bytes)',
  },
};

// Folders of path characters, none starting with a dot: the prefix becomes part of every key and
// URL path as it is, so it must need no escaping and never read as `.` or `..`.
const PREFIX = /^([A-Za-z0-9][A-Za-z0-9._-]*\/)*$/;

/** filesChoiceFrom turns parsed FILE_FLAGS into a FilesChoice, or undefined for the default; throws UsageError naming a missing or bad setting. */
export function filesChoiceFrom(flags: ParsedFlags): FilesChoice | undefined {
  const kind = flags.files as (typeof FILE_DRIVERS)[number] | undefined;
  if (Number(flags['files-redirect'] ?? 0) !== 0 && kind !== 's3') throw new UsageError('--files-redirect (LONGRUN_FILES_REDIRECT) needs --files s3');
  if (kind === undefined) return undefined;
  if (kind === 'local') return { kind };
  if (kind === 'postgres') return { kind };
  const required = (flag: string) => {
    const value = flags[flag];
    if (value === undefined || value === '') throw new UsageError(`--files s3 needs --${flag} (${FILE_FLAGS[flag]!.env})`);
    return String(value);
  };
  const prefix = String(flags['s3-prefix'] ?? '');
  if (!PREFIX.test(prefix)) throw new UsageError(`--s3-prefix (LONGRUN_S3_PREFIX) must be folders of letters, digits, . _ - (not starting with a dot) each ending in /, not ${JSON.stringify(prefix)}`);
  return {
    kind,
    s3: {
      endpoint: required('s3-endpoint'),
      bucket: required('s3-bucket'),
      region: required('s3-region'),
      accessKeyId: required('s3-access-key-id'),
      secretAccessKey: required('s3-secret-access-key'),
      prefix,
      pathStyle: flags['s3-path-style'] === true,
      redirectSeconds: Number(flags['files-redirect'] ?? 0),
    },
  };
}
