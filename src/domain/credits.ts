/**
 * The credit rules both store drivers apply inside the transaction that moves credits: a job is
 * paid for up front, and an admin adjustment never takes a limited balance below zero. A null
 * balance is unlimited: it pays for anything and stays unlimited.
 */
import { InsufficientCreditsError, InvalidRequestError, NotFoundError } from './errors.js';

/** accountNotFound is the error for a write that names an account that does not exist. */
export function accountNotFound(accountId: string): NotFoundError {
  return new NotFoundError(`Account ${accountId} not found`);
}

/**
 * checkCredits throws InsufficientCreditsError when a limited `balance` cannot pay `cost`;
 * a balance exactly equal to the cost pays (it ends at zero).
 */
export function checkCredits(balance: number | null, cost: number): void {
  if (balance !== null && balance < cost) throw new InsufficientCreditsError(cost, balance);
}

/**
 * checkBalanceFloor throws InvalidRequestError at `/amount` when adding `amount` (negative
 * removes) would take a limited `balance` below zero.
 */
export function checkBalanceFloor(balance: number | null, amount: number): void {
  if (balance !== null && balance + amount < 0) {
    throw InvalidRequestError.field('/amount', `would take the balance (${balance}) below zero`);
  }
}
