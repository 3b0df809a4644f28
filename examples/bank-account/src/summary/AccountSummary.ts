/** One row of the account summary read model, as `GET /accounts` lists it. */
export interface AccountSummary {
  readonly id: string;
  readonly owner: string | null;
  /** Cents. */
  readonly balance: number;
  /** Deposits and withdrawals applied. */
  readonly operations: number;
  /** Epoch milliseconds. */
  readonly openedAt: number;
}

export interface AccountSummaryPage {
  /** Ascending by id (byte order). */
  readonly accounts: readonly AccountSummary[];
  /** The `after` cursor of the next page: the last id of this page when more follow; undefined on the last page. */
  readonly next: string | undefined;
}

/** The read side of the account summary, whichever store keeps it. */
export interface AccountSummaryQueries {
  /** Up to `limit` accounts with ids after `after` (exclusive; from the first when undefined). */
  list(after: string | undefined, limit: number): Promise<AccountSummaryPage>;
}

/** The page of `rows` when `limit + 1` were asked for: the extra row only says that more follow. */
export function summaryPage(rows: readonly AccountSummary[], limit: number): AccountSummaryPage {
  const accounts = rows.slice(0, limit);
  return { accounts, next: rows.length > limit ? accounts[accounts.length - 1]?.id : undefined };
}
