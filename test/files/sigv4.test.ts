// The S3 driver signs with aws4fetch's AWS Signature Version 4; s3rver, the tests' S3 server,
// checks no signature, so the signer is checked here against AWS's published SigV4 test suite.
// Vectors (request, credentials, time → Authorization header or signed query), copied from
// https://github.com/awslabs/aws-c-auth/tree/main/tests/aws-signing-test-suite/v4 (the suite
// AWS publishes, https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html):
// get-vanilla, get-vanilla-query-order-key-case, get-unreserved, get-vanilla-with-session-token
// (header-signed-request.txt) and get-vanilla-query-order-key-case (query-signed-request.txt).
// A last case checks that what the driver sends is what it signed, with a server that records it.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { AwsV4Signer } from 'aws4fetch';
import { newId } from '../../src/domain/index.js';
import { S3FileStore } from '../../src/files/index.js';

// The suite's context.json: these credentials, region and service, at this time.
const SUITE = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  region: 'us-east-1',
  service: 'service',
  datetime: '20150830T123600Z',
};
const SCOPE = 'Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request';

const HEADER_VECTORS = [
  {
    name: 'get-vanilla',
    url: 'https://example.amazonaws.com/',
    authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31`,
  },
  {
    name: 'get-vanilla-query-order-key-case',
    url: 'https://example.amazonaws.com/?Param2=value2&Param1=value1',
    authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500`,
  },
  {
    name: 'get-unreserved',
    url: 'https://example.amazonaws.com/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f`,
  },
  {
    name: 'get-vanilla-with-session-token',
    url: 'https://example.amazonaws.com/',
    sessionToken: '6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267',
    authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8`,
  },
];

describe('SigV4 signing (aws4fetch) against AWS\'s test suite', () => {
  for (const vector of HEADER_VECTORS) {
    it(`signs ${vector.name} in the Authorization header as the suite does`, async () => {
      const signed = await new AwsV4Signer({ ...SUITE, method: 'GET', url: vector.url, sessionToken: vector.sessionToken }).sign();
      assert.equal(signed.headers.get('authorization'), vector.authorization);
      assert.equal(signed.headers.get('x-amz-date'), SUITE.datetime);
    });
  }

  it('signs get-vanilla-query-order-key-case in the query (a presigned URL) as the suite does', async () => {
    const url = 'https://example.amazonaws.com/?Param2=value2&Param1=value1&X-Amz-Expires=3600';
    const signed = await new AwsV4Signer({ ...SUITE, method: 'GET', url, signQuery: true }).sign();
    assert.equal(signed.url.searchParams.get('X-Amz-Signature'), '86012e2c9ad4d77369f5d81c11f75158aae4f895a085212cc6d3f923d300bed5');
    assert.equal(signed.url.searchParams.get('X-Amz-Credential'), 'AKIDEXAMPLE/20150830/us-east-1/service/aws4_request');
    assert.equal(signed.url.searchParams.get('X-Amz-SignedHeaders'), 'host');
  });

  it('a wrong secret or a changed request gives another signature', async () => {
    const good = (await new AwsV4Signer({ ...SUITE, method: 'GET', url: HEADER_VECTORS[0]!.url }).sign()).headers.get('authorization');
    const wrongSecret = (await new AwsV4Signer({ ...SUITE, secretAccessKey: 'x', method: 'GET', url: HEADER_VECTORS[0]!.url }).sign()).headers.get('authorization');
    const otherPath = (await new AwsV4Signer({ ...SUITE, method: 'GET', url: 'https://example.amazonaws.com/x' }).sign()).headers.get('authorization');
    assert.notEqual(wrongSecret, good);
    assert.notEqual(otherPath, good);
  });

  it('the S3 driver sends each request exactly as signed, for its region and the s3 service', async (t) => {
    const seen: { method: string; url: string; headers: Record<string, string> }[] = [];
    const server = createServer((request, response) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === 'string') headers[name] = value;
      seen.push({ method: request.method!, url: request.url!, headers });
      request.resume().on('end', () => response.writeHead(200, { etag: '"x"' }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret-test-key' };
    const files = new S3FileStore({ endpoint, bucket: 'b', region: 'eu-west-3', ...credentials, pathStyle: true });
    const jobId = newId('job');
    await files.filePut({ jobId, name: 'a.txt', data: Buffer.from('hello') });
    await files.fileStat({ jobId, name: 'a.txt' });
    assert.deepEqual(seen.map((r) => `${r.method} ${r.url}`), [`PUT /b/${jobId}/a.txt`, `HEAD /b/${jobId}/a.txt`]);
    for (const request of seen) {
      const authorization = request.headers.authorization ?? '';
      assert.match(authorization, /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-3\/s3\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
      // Sign the request as received, at the time it carries: the same signature means nothing changed after signing.
      const signedNames = /SignedHeaders=([^,]+)/.exec(authorization)![1]!.split(';');
      const headers = Object.fromEntries(signedNames.map((name) => [name, request.headers[name]!]));
      const again = await new AwsV4Signer({
        ...credentials,
        region: 'eu-west-3',
        service: 's3',
        method: request.method,
        url: `${endpoint}${request.url}`,
        headers,
        datetime: request.headers['x-amz-date'],
      }).sign();
      assert.equal(again.headers.get('authorization'), authorization, `${request.method} ${request.url}`);
    }
  });
});
