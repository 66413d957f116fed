// The assessor rates each CSE element (for example compliance, partial_compliance
// or non_compliance). Which ratings block certification, and how many of each
// are tolerated, is configuration that the service passes in as a CertificationRule.

export type CertificationRule = {
  /** Ratings that block certification when any element has them. */
  blocking: string[];
  /** Maximum number of elements that may have each rating. Ratings not listed are unlimited. */
  maxCount: Record<string, number>;
};

export type CertificationDecision = {
  certified: boolean;
  /** Sentences that explain each unmet condition, empty when certified. */
  reasons: string[];
};

/**
 * Decides whether a set of element ratings meets the certification rule.
 * Throws a RangeError when a maxCount is not a non-negative whole number,
 * because comparing counts against NaN would silently certify.
 */
export function decideCertification(
  ratings: Record<string, string>,
  rule: CertificationRule,
): CertificationDecision {
  const reasons: string[] = [];

  for (const rating of rule.blocking) {
    const codes = findElementsRated(ratings, rating);
    if (codes.length > 0) {
      reasons.push(`${countElements(codes.length)} rated ${rating}, which blocks certification: ${codes.join(', ')}`);
    }
  }

  for (const [rating, max] of Object.entries(rule.maxCount)) {
    if (!Number.isInteger(max) || max < 0) {
      throw new RangeError(`maxCount for ${rating} must be a non-negative whole number, got ${String(max)}`);
    }
    const count = findElementsRated(ratings, rating).length;
    if (count > max) {
      reasons.push(`${countElements(count)} rated ${rating}, more than the ${max} allowed`);
    }
  }

  return { certified: reasons.length === 0, reasons };
}

/**
 * Lists the element codes that have no rating, or only a blank one, in the
 * order of `elementCodes`.
 */
export function findUnratedElements(ratings: Record<string, string>, elementCodes: readonly string[]): string[] {
  return elementCodes.filter((code) => {
    const rating = Object.hasOwn(ratings, code) ? ratings[code] : undefined;
    return typeof rating !== 'string' || rating.trim() === '';
  });
}

/** Sorts element codes such as 1.1.2 and 10.1.1 in numeric order, so messages read in framework order. */
export function compareElementCodes(left: string, right: string): number {
  return left.localeCompare(right, 'en', { numeric: true });
}

function findElementsRated(ratings: Record<string, string>, rating: string): string[] {
  return Object.keys(ratings)
    .filter((code) => ratings[code] === rating)
    .sort(compareElementCodes);
}

function countElements(count: number): string {
  return count === 1 ? '1 element' : `${count} elements`;
}
