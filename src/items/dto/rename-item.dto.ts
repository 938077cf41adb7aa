import { CreateItemDto } from './create-item.dto.js';

/** Body of PATCH /items/:id: the new name, validated as on creation. */
export class RenameItemDto extends CreateItemDto {}
