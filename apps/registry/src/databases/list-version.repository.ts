import { Inject, Injectable } from '@nestjs/common';
import { OwnRepository } from '@ir/platform';
import { LIST_VERSION_MODEL, type ListVersionDocument, type ListVersionModel } from './list-version.model';

/** The `list_versions` collection (see the model); every query by `_id` alone, which FerretDB looks up. */
@Injectable()
export class ListVersionRepository extends OwnRepository<ListVersionDocument> {
  constructor(@Inject(LIST_VERSION_MODEL) model: ListVersionModel) {
    super(model);
  }

  /** The list's version now; 0 before its first change. */
  async current(list: string): Promise<number> {
    return (await this.model.findById(list).lean())?.version ?? 0;
  }

  /**
   * Moves the list's version on. Two at once may both read the same version on FerretDB 1.x (it runs
   * `$inc` as read-then-write): both writes were then made before either move, so a copy read after
   * the version they leave holds both.
   */
  async bump(list: string): Promise<void> {
    await this.model.updateOne({ _id: list }, { $inc: { version: 1 } }, { upsert: true });
  }
}
