/**
 * Egress: every connection Longrun opens to a URL a client gave it (webhook deliveries, URL
 * render jobs and their pages' sub-requests, the downloads of file-taking job types) is checked
 * here and pinned to the checked address. Below everything that sends (service, webhooks, job
 * types), which import it; it may import only domain and log, and needs neither today.
 */
export { nonGlobalReason, parseAddress, type ParsedAddress } from './addresses.js';
export { LOOKUP_TIMEOUT_MS, type LookupFn, systemLookup, timedLookup } from './lookup.js';
export { type CheckUrlOptions, type CheckedTarget, type UnsafeTargetReason, UnsafeTargetError, checkUrl, urlHost } from './urlGuard.js';
export { type GuardedRequestOptions, type GuardedSocketOptions, guardedRequestOptions, guardedSocketOptions, pinnedLookup } from './guardedConnect.js';
export { type GuardedGetOptions, type GuardedGetResult, HttpStatusError, ResponseTooLargeError, guardedGet } from './guardedGet.js';
