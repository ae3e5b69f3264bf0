import { VigilError } from '../shared/index.js';
import { hasTag, type Store, tagKeys } from '../store/index.js';

/** TAGS_LISTED: an unknown tag's error lists the model's tags when it has at most this many. */
export const TAGS_LISTED = 20;

/**
 * assertTagExists refuses `by=TAG` when no record of the model carries that tag (a typo such as
 * `regoin` would otherwise answer one "(none)" segment): 400 naming it, with the model's tags
 * when they are few (issue 13, item 4).
 */
export async function assertTagExists(
  store: Store,
  project: string,
  model: string,
  tag: string,
): Promise<void> {
  if (await hasTag(store, project, model, tag)) return;
  const names = await tagKeys(store, project, model, TAGS_LISTED + 1);
  const known =
    names.length === 0
      ? 'its records carry no tags'
      : names.length <= TAGS_LISTED
        ? `its tags are ${names.join(', ')}`
        : `it has more than ${TAGS_LISTED} tags (GET /v1/models/${model} lists them)`;
  throw new VigilError(
    'unknown_tag',
    `by: model ${JSON.stringify(model)} has no tag ${JSON.stringify(tag.slice(0, 128))}; ${known}; or split by a feature with by=feature:NAME`,
    { field: 'by' },
  );
}
