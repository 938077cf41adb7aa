// Generated from openapi.json by scripts/openapi-client.mjs (openapi-typescript): do not edit.
// `npm run openapi` rewrites it; `npm run lint` fails when it is stale.

export interface paths {
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers (never calls Keycloak) */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: signing keys loaded and the database answering */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The caller's identity, realm, roles and scopes, from the token */
        get: operations["MeController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orgs/{org}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The named organization, as the caller belongs to it */
        get: operations["OrgsController_show"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/partners/ping": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Answers callers whose token comes from the partners realm */
        get: operations["PartnersController_ping"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/items": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List items, oldest first, a page at a time */
        get: operations["ItemsController_findAll"];
        put?: never;
        /** Create an item owned by the caller */
        post: operations["ItemsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/items/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get one item */
        get: operations["ItemsController_findOne"];
        put?: never;
        post?: never;
        /** Delete an item (api-admin, token checked live with Keycloak) */
        delete: operations["ItemsController_remove"];
        options?: never;
        head?: never;
        /** Rename an item: the owner's (with api-write) or any api-admin's */
        patch: operations["ItemsController_rename"];
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the realm's users, a page at a time (via the service account) */
        get: operations["AdminController_listUsers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        LivenessDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
        ApiError: {
            /** @example 400 */
            statusCode: number;
            /** @example id must be a positive whole number */
            message: string | string[];
            /**
             * @description The status text
             * @example Bad Request
             */
            error: string;
        };
        ReadinessDto: {
            /**
             * @example ready
             * @enum {string}
             */
            status: "ready";
            /**
             * @description Signing keys loaded
             * @example 2
             */
            keys: number;
            /**
             * @description The database answered
             * @example up
             * @enum {string}
             */
            database: "up";
            /**
             * @description With REDIS_URL only: whether the Redis shared by the replicas answers. `down` keeps the API ready: each shared use falls back to this process
             * @example up
             * @enum {string}
             */
            redis?: "up" | "down";
        };
        MeDto: {
            /** @example f1b7c2de-8e0a-4b5e-9a43-2e1f1c6d9b10 */
            sub: string;
            /**
             * @description The accepted realm whose token this is
             * @example demo
             */
            realm: string;
            /** @example alice */
            username?: string;
            /** @example alice@example.com */
            email?: string;
            /**
             * @example [
             *       "default-roles-demo"
             *     ]
             */
            realmRoles: string[];
            /**
             * @example [
             *       "api-admin"
             *     ]
             */
            clientRoles: string[];
            /**
             * @example [
             *       "openid",
             *       "profile",
             *       "email"
             *     ]
             */
            scopes: string[];
        };
        OrganizationDto: {
            /**
             * @description The organization's alias
             * @example acme
             */
            alias: string;
            /**
             * @description Its id, when the realm's organization mapper adds ids
             * @example 62fc5b8e-0a53-4a5b-9d5e-1c2b3a4d5e6f
             */
            id?: string;
            /**
             * @description Its attributes, when the realm's organization mapper adds them
             * @example {
             *       "tier": [
             *         "gold"
             *       ]
             *     }
             */
            attributes?: {
                [key: string]: string[];
            };
        };
        PartnerPingDto: {
            /**
             * @description The caller's realm
             * @example partners
             */
            realm: string;
            /** @example 00000000-0000-4000-8000-0000000ba01a */
            sub: string;
            /** @example paula */
            username?: string;
        };
        Item: {
            /**
             * @description Positive integer id
             * @example 1
             */
            id: number;
            /** @example Blue widget */
            name: string;
            /**
             * @description sub of the creator
             * @example f1b7c2de-8e0a-4b5e-9a43-2e1f1c6d9b10
             */
            owner: string;
            /**
             * Format: date-time
             * @example 2026-12-01T10:00:00.000Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @example 2026-12-01T10:00:00.000Z
             */
            updatedAt: string;
            /**
             * @description Bumped by every change; the ETag carries it
             * @example 1
             */
            version: number;
        };
        CreateItemDto: {
            /**
             * @description Trimmed of leading and trailing white space; any other character except controls (U+0000–U+001F, U+007F–U+009F)
             * @example Blue widget
             */
            name: string;
        };
        RenameItemDto: {
            /**
             * @description Trimmed of leading and trailing white space; any other character except controls (U+0000–U+001F, U+007F–U+009F)
             * @example Blue widget
             */
            name: string;
        };
        RealmUserDto: {
            /** @example 5c1f0d5e-3a57-4b8e-9d59-0e3f6a1f8b21 */
            id: string;
            /** @example alice */
            username: string;
            /** @example alice@example.com */
            email?: string;
            /** @example true */
            enabled: boolean;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process is up */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LivenessDto"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Tokens can be verified, items stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReadinessDto"];
                };
            };
            /** @description Not ready: the message names the failing check */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "message": "Not ready: database unreachable",
                     *       "error": "Service Unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    MeController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Who the token says the caller is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
            /** @description Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "message": "Bearer token sent more than once",
                     *       "error": "Bad Request"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires every scope of: profile */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Missing required scopes: profile",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "message": "Token verification unavailable",
                     *       "error": "Service Unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    OrgsController_show: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The organization's alias */
                org: unknown;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller is a member */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrganizationDto"];
                };
            };
            /** @description Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "message": "Bearer token sent more than once",
                     *       "error": "Bad Request"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires membership of the organization named by path parameter org */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Not a member of this organization",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "message": "Token verification unavailable",
                     *       "error": "Service Unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    PartnersController_ping: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller is in the partners realm */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PartnerPingDto"];
                };
            };
            /** @description Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "message": "Bearer token sent more than once",
                     *       "error": "Bad Request"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires a token of the realm(s): partners */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Tokens of this token's realm may not call this route",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "message": "Token verification unavailable",
                     *       "error": "Service Unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    ItemsController_findAll: {
        parameters: {
            query?: {
                limit?: number;
                /** @description Cursor: the id of the last item of the previous page (see the Link header) */
                after?: number;
                /** @description `me`: only the caller's items */
                owner?: "me";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description RFC 8288 `<?limit=…&after=…>; rel="next"` while more items follow */
                    Link?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Item"][];
                };
            };
            /** @description Bad Request. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires one role of: api-read, api-admin */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Insufficient permissions",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Database unavailable. Or: Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    ItemsController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateItemDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Item"];
                };
            };
            /** @description Bad Request. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires one role of: api-read, api-admin. Requires Keycloak permissions: items#create */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Insufficient permissions",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 409,
                     *       "message": "Conflicts with stored data",
                     *       "error": "Conflict"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Database unavailable. Or: Token verification unavailable: signing keys cannot be fetched. Or: Keycloak authorization decision unavailable */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    ItemsController_findOne: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A positive whole number */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    /** @description The item version, for If-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Item"];
                };
            };
            /** @description Bad Request. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires one role of: api-read, api-admin */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Insufficient permissions",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Unknown id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "message": "Item 7 not found",
                     *       "error": "Not Found"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Database unavailable. Or: Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    ItemsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A positive whole number */
                id: number;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description Bad Request. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires every role of: api-admin */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Missing required roles: api-admin",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Unknown id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "message": "Item 7 not found",
                     *       "error": "Not Found"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Keycloak introspection endpoint unreachable or refusing */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 502,
                     *       "message": "Failed to reach Keycloak introspection endpoint",
                     *       "error": "Bad Gateway"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Database unavailable. Or: Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    ItemsController_rename: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag last read (e.g. "3", a strong tag; W/ tags never match): the rename applies only to that version */
                "If-Match"?: string;
            };
            path: {
                /** @description A positive whole number */
                id: number;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RenameItemDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    /** @description The item version, for If-Match */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Item"];
                };
            };
            /** @description Bad Request. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires one role of: api-write, api-admin. Requires owning the resource, or one role of: api-admin */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Insufficient permissions",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Unknown id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "message": "Item 7 not found",
                     *       "error": "Not Found"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Conflict */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 409,
                     *       "message": "Conflicts with stored data",
                     *       "error": "Conflict"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description If-Match names a version the item no longer has, or weak tags only (W/"3") */
            412: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 412,
                     *       "message": "Item 7 has changed since the version given in If-Match; fetch it again",
                     *       "error": "Precondition Failed"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Database unavailable. Or: Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
    AdminController_listUsers: {
        parameters: {
            query?: {
                /** @description Index of the first user to return */
                first?: number;
                /** @description How many users at most */
                max?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of realm users */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RealmUserDto"][];
                };
            };
            /** @description `first` or `max` is not a whole number in range. Or: Bad request, e.g. a bearer token sent twice */
            400: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Missing, invalid, expired or revoked bearer token */
            401: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "message": "Missing bearer token",
                     *       "error": "Unauthorized"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Requires every role of: api-admin */
            403: {
                headers: {
                    /** @description Challenges: `Bearer realm="…"` and, while DPoP is accepted, `DPoP algs="…"` (a 401 has one per accepted scheme), plus `error` and `error_description` on the scheme the failure concerns. */
                    "WWW-Authenticate": string;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "message": "Missing required roles: api-admin",
                     *       "error": "Forbidden"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Too many failed authentications from this client address */
            429: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "message": "Too many failed authentications",
                     *       "error": "Too Many Requests"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Keycloak refused or could not be reached */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 502,
                     *       "message": "Failed to read users from Keycloak",
                     *       "error": "Bad Gateway"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
            /** @description Token verification unavailable: signing keys cannot be fetched */
            503: {
                headers: {
                    /** @description Seconds to wait before retrying. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "message": "Token verification unavailable",
                     *       "error": "Service Unavailable"
                     *     }
                     */
                    "application/json": components["schemas"]["ApiError"];
                };
            };
        };
    };
}
