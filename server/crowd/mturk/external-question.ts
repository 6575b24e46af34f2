/** XML namespace of the ExternalQuestion schema MTurk validates against (2006-07-14). */
export const EXTERNAL_QUESTION_NAMESPACE = 'http://mechanicalturk.amazonaws.com/AWSMechanicalTurkDataSchemas/2006-07-14/ExternalQuestion.xsd';

/** Escapes text for an XML element body; URLs carry `&` between query params, which must become `&amp;`. */
export function escapeXmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Builds the ExternalQuestion XML MTurk frames for the worker.
 * frameHeight 0 lets MTurk size the frame to the window (the documented default behaviour).
 */
export function buildExternalQuestion(externalUrl: string, frameHeight = 0): string {
  if (!Number.isInteger(frameHeight) || frameHeight < 0) throw new Error(`FrameHeight must be a non-negative integer, got ${frameHeight}`);
  return `<ExternalQuestion xmlns="${EXTERNAL_QUESTION_NAMESPACE}"><ExternalURL>${escapeXmlText(externalUrl)}</ExternalURL><FrameHeight>${frameHeight}</FrameHeight></ExternalQuestion>`;
}
