export interface Citation {
  document_id: string;
  quote: string;
}

/**
 * What is wrong with an answer's citations: each must name a supplied
 * document, and an answer that says it could answer must cite one.
 */
export function citationProblems(citations: readonly Citation[], answerable: boolean, documentIds: ReadonlySet<string>): string[] {
  const problems = citations
    .map((citation, index) =>
      documentIds.has(citation.document_id) ? undefined : `citations[${index}] names '${citation.document_id}', which is not a supplied document id`,
    )
    .filter((problem): problem is string => problem !== undefined);
  if (answerable && citations.length === 0) problems.push('the answer cites no document');
  return problems;
}

/** Whether a quote is found in the document it cites, whitespace and case aside. */
export function quoteFound(quote: string, text: string): boolean {
  const normal = (value: string) => value.replace(/\s+/g, ' ').trim().toLowerCase();
  return normal(quote) !== '' && normal(text).includes(normal(quote));
}
