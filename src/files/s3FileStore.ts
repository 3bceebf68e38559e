import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { ServiceUnavailableError } from '../domain/index.js';
import { boundedChunks, fixedChunks } from './fileBody.js';
import { type FileRange, type FileStore, type FileWrite, type StoredFile, assertContentType, assertFileKey, contentTypeOf } from './fileStore.js';

/** S3Settings say which S3-compatible bucket keeps the files and how to reach it (`--s3-…` flags). */
export interface S3Settings {
  /** endpoint is the service's base URL: `https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`, … */
  endpoint: string;
  bucket: string;
  /** region signs the requests (`us-east-1` where the service has no regions). */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** sessionToken is for temporary credentials; usually absent. */
  sessionToken?: string;
  /** prefix goes before every key (`longrun/` keeps files under one folder of a shared bucket); default none. */
  prefix?: string;
  /** pathStyle addresses the bucket as `endpoint/bucket/key` (MinIO, most self-hosted servers) rather than `bucket.host/key`. */
  pathStyle: boolean;
  /** redirectSeconds > 0 gives downloads a presigned GET valid that long (fileReadUrl); 0 or absent: none. */
  redirectSeconds?: number;
  /** partBytes is the part size of a multipart upload, the most one write holds in memory (default 8 MiB; at least 5 MiB, S3's minimum). */
  partBytes?: number;
}

/** MIN_PART_BYTES is S3's smallest part but the last of a multipart upload. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
const DEFAULT_PART_BYTES = 8 * 1024 * 1024;

/**
 * S3FileStore keeps files as objects `<prefix><jobId>/<name>` in an S3-compatible bucket, signed
 * with AWS Signature Version 4 (aws4fetch). A file up to one part is one PUT; a larger one is a
 * multipart upload, one part in memory at a time, completed only once the whole body arrived
 * (S3 then shows the new object at once), and aborted when the body fails or passes its limit.
 * An upload whose process died is left to the bucket's lifecycle rule (AbortIncompleteMultipartUpload).
 */
export class S3FileStore implements FileStore {
  private readonly client: AwsClient;
  private readonly partBytes: number;

  constructor(private readonly settings: S3Settings) {
    this.client = new AwsClient({
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      sessionToken: settings.sessionToken,
      service: 's3',
      region: settings.region,
      // aws4fetch retries 5xx and 429 itself; a few times is enough before the caller hears of it.
      retries: 3,
    });
    this.partBytes = Math.max(MIN_PART_BYTES, settings.partBytes ?? DEFAULT_PART_BYTES);
    // Checked here so a bad setting stops the process at start with its reason, not a bare "Invalid URL".
    if (!URL.canParse(settings.endpoint)) throw new Error(`S3 endpoint ${JSON.stringify(settings.endpoint)} is not a URL`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(settings.bucket)) throw new Error(`S3 bucket ${JSON.stringify(settings.bucket)} is not a bucket name`);
    if (!URL.canParse(this.bucketUrl())) {
      throw new Error(`S3 endpoint ${settings.endpoint} cannot address bucket ${settings.bucket} as a host name (${settings.bucket}.HOST); use path-style addressing (--s3-path-style)`);
    }
  }

  async fileWrite(p: FileWrite): Promise<StoredFile> {
    assertFileKey(p.jobId, p.name);
    if (p.contentType !== undefined) assertContentType(p.contentType);
    const contentType = p.contentType ?? contentTypeOf(p.name);
    const url = this.objectUrl(p.jobId, p.name);
    const parts = fixedChunks(boundedChunks(p.body, p.name, p.maxBytes), this.partBytes)[Symbol.asyncIterator]();
    const first = await parts.next();
    const second = first.done ? first : await parts.next();
    if (second.done) {
      const data = first.done ? new Uint8Array(0) : first.value;
      await this.send(url, 'PUT', 'store', { body: data, headers: { 'Content-Type': contentType } });
      return { name: p.name, contentType, size: data.byteLength };
    }
    const size = await this.multipartUpload(url, contentType, [first.value!, second.value], parts);
    return { name: p.name, contentType, size };
  }

  filePut(p: { jobId: string; name: string; data: Uint8Array; contentType?: string }): Promise<StoredFile> {
    return this.fileWrite({ jobId: p.jobId, name: p.name, body: p.data, contentType: p.contentType });
  }

  async fileStat(p: { jobId: string; name: string }): Promise<StoredFile | null> {
    assertFileKey(p.jobId, p.name);
    const response = await this.send(this.objectUrl(p.jobId, p.name), 'HEAD', 'stat', {}, [404]);
    if (response.status === 404) return null;
    return {
      name: p.name,
      contentType: response.headers.get('content-type') ?? contentTypeOf(p.name),
      size: Number(response.headers.get('content-length') ?? 0),
    };
  }

  async fileRead(p: { jobId: string; name: string; range?: FileRange }): Promise<Readable | null> {
    assertFileKey(p.jobId, p.name);
    const headers: Record<string, string> = p.range ? { Range: `bytes=${p.range.start}-${p.range.end}` } : {};
    const response = await this.send(this.objectUrl(p.jobId, p.name), 'GET', 'read', { headers }, [404]);
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    if (!p.range) return body;
    // Some S3-compatible servers ignore a Range (200) or send more than asked (s3rver reads
    // `bytes=0-0` as the whole file): keep exactly the bytes asked for.
    const sentFrom = response.status === 206 ? Number(/^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '')?.[1] ?? p.range.start) : 0;
    if (sentFrom > p.range.start) throw new Error(`S3 read: the server sent bytes from ${sentFrom}, not ${p.range.start}`);
    return Readable.from(exactBytes(body, p.range.start - sentFrom, p.range.end - p.range.start + 1), { objectMode: false });
  }

  async deleteJobFiles(jobId: string): Promise<void> {
    assertFileKey(jobId);
    const prefix = `${this.settings.prefix ?? ''}${jobId}/`;
    let token: string | null = null;
    do {
      const list = new URL(this.bucketUrl());
      list.searchParams.set('list-type', '2');
      list.searchParams.set('prefix', prefix);
      if (token) list.searchParams.set('continuation-token', token);
      const xml = await (await this.send(list.toString(), 'GET', 'list')).text();
      for (const [, key] of xml.matchAll(/<Key>([^<]+)<\/Key>/g)) {
        await this.send(`${this.bucketUrl()}/${unescapeXml(key!)}`, 'DELETE', 'delete', {}, [404]);
      }
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml) ? unescapeXml(/<NextContinuationToken>([^<]+)</.exec(xml)?.[1] ?? '') || null : null;
    } while (token);
  }

  /** fileReadUrl is a presigned GET of the file valid for `redirectSeconds`, or null when those are 0. */
  async fileReadUrl(p: { jobId: string; name: string }): Promise<string | null> {
    assertFileKey(p.jobId, p.name);
    const seconds = this.settings.redirectSeconds ?? 0;
    if (seconds <= 0) return null;
    const url = new URL(this.objectUrl(p.jobId, p.name));
    url.searchParams.set('X-Amz-Expires', String(seconds));
    const signed = await this.client.sign(url.toString(), { method: 'GET', aws: { signQuery: true } });
    return signed.url;
  }

  /** checkBucket throws, with S3's reason, unless the bucket answers a listing with these credentials. */
  async checkBucket(): Promise<void> {
    const url = new URL(this.bucketUrl());
    url.searchParams.set('list-type', '2');
    url.searchParams.set('max-keys', '1');
    try {
      await (await this.send(url.toString(), 'GET', 'check bucket')).text();
    } catch (error) {
      throw new Error(`--files s3: bucket ${this.settings.bucket} at ${this.settings.endpoint}: ${(error as Error).message}`, { cause: error });
    }
  }

  async close(): Promise<void> {}

  /** multipartUpload sends the parts in order, one in memory at a time; any failure aborts the upload. */
  private async multipartUpload(url: string, contentType: string, firstParts: Uint8Array[], rest: AsyncIterator<Uint8Array>): Promise<number> {
    const created = await (await this.send(`${url}?uploads`, 'POST', 'start upload', { headers: { 'Content-Type': contentType } })).text();
    const uploadId = unescapeXml(/<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1] ?? '');
    if (!uploadId) throw new Error('S3 start upload: the answer named no UploadId');
    const part = (n: number) => `${url}?partNumber=${n}&uploadId=${encodeURIComponent(uploadId)}`;
    const etags: string[] = [];
    let size = 0;
    try {
      const upload = async (data: Uint8Array) => {
        const response = await this.send(part(etags.length + 1), 'PUT', 'store part', { body: data });
        etags.push(response.headers.get('etag') ?? '');
        size += data.byteLength;
      };
      for (const data of firstParts) await upload(data);
      for (let next = await rest.next(); !next.done; next = await rest.next()) await upload(next.value);
      const body = `<CompleteMultipartUpload>${etags.map((etag, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${escapeXml(etag)}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const done = await (await this.send(`${url}?uploadId=${encodeURIComponent(uploadId)}`, 'POST', 'complete upload', { body })).text();
      // S3 may answer 200 and still report a failure in the body.
      if (/<Error>/.test(done)) throw new Error(`S3 complete upload: ${/<Code>([^<]+)/.exec(done)?.[1] ?? 'failed'}`);
      return size;
    } catch (error) {
      await this.send(`${url}?uploadId=${encodeURIComponent(uploadId)}`, 'DELETE', 'abort upload', {}, [404]).catch(() => undefined);
      throw error;
    }
  }

  /** send signs and sends one request; an answer that is not 2xx (or one of `allowed`) throws with S3's error code. */
  private async send(url: string, method: string, what: string, init: { body?: Uint8Array | string; headers?: Record<string, string> } = {}, allowed: number[] = []): Promise<Response> {
    let response: Response;
    try {
      response = await this.client.fetch(url, { method, body: init.body, headers: init.headers });
    } catch (error) {
      throw Object.assign(new ServiceUnavailableError(`The file store (S3) is not reachable: ${(error as Error).message}`), { cause: error });
    }
    if (response.ok || allowed.includes(response.status)) return response;
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? response.statusText;
    const message = `S3 ${what} ${new URL(url).pathname}: ${response.status} ${code}`;
    if (response.status >= 500 || response.status === 429) throw new ServiceUnavailableError(`The file store is unavailable (${message})`);
    throw new Error(message);
  }

  private bucketUrl(): string {
    const endpoint = new URL(this.settings.endpoint);
    const base = endpoint.origin + endpoint.pathname.replace(/\/+$/, '');
    return this.settings.pathStyle ? `${base}/${this.settings.bucket}` : `${endpoint.protocol}//${this.settings.bucket}.${endpoint.host}${endpoint.pathname.replace(/\/+$/, '')}`;
  }

  private objectUrl(jobId: string, name: string): string {
    // Job ids, safe names and a prefix of such characters need no escaping in a URL path.
    return `${this.bucketUrl()}/${this.settings.prefix ?? ''}${jobId}/${name}`;
  }
}

/** exactBytes skips `skip` bytes of `source` and yields the next `length`, then stops reading it. */
async function* exactBytes(source: Readable, skip: number, length: number): AsyncGenerator<Buffer> {
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const piece = chunk.subarray(Math.min(skip, chunk.length), Math.min(chunk.length, skip + length));
    skip = Math.max(0, skip - chunk.length);
    if (piece.length > 0) {
      length -= piece.length;
      yield piece;
    }
    if (length === 0) break;
  }
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
