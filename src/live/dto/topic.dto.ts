import { IsIn } from 'class-validator';

/** The topics a client can follow over `/ws`. */
export const LIVE_TOPICS = ['items'] as const;

/** Data of the `subscribe` and `unsubscribe` messages: `{ "topic": "items" }`. */
export class TopicDto {
  @IsIn(LIVE_TOPICS)
  topic!: (typeof LIVE_TOPICS)[number];
}
