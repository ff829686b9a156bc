/* SCIM 2.0 handlers under /scim/v2 (SPEC section 6). */
#ifndef SCIM_SCIM_H
#define SCIM_SCIM_H

#include "api/api.h"

#define SCIM_USER_SCHEMA  "urn:ietf:params:scim:schemas:core:2.0:User"
#define SCIM_ERROR_SCHEMA "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_LIST_SCHEMA  "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_CONTENT_TYPE "application/scim+json"

/* Sets the SCIM error body (status as a string, scimType when not NULL); returns status.
 * The only place the SCIM error shape is built. */
int scim_error(struct api_call *call, int status, const char *scim_type, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Sets status and a SCIM JSON body from a cJSON tree, which this deletes; returns status. */
int scim_json(struct api_call *call, int status, void *json);
/* Sets status and a SCIM JSON body already written into b (taken over); returns status. */
int scim_json_buf(struct api_call *call, int status, struct buf *b);
/* Returns "scheme://host" of the request, for meta.location (made once per request). */
const char *scim_base_url(struct api_call *call);

/* Writes the user as a SCIM resource (RFC 7643 section 4.1) into b. */
void scim_user_write(struct buf *b, struct api_call *call, const struct store_user *u);
/* The same resource as a tree (cJSON *, the caller deletes it). */
void *scim_user_to_json(struct api_call *call, const struct store_user *u);

int scim_users_list(struct api_call *call);
int scim_users_get(struct api_call *call);
int scim_users_create(struct api_call *call);
int scim_users_replace(struct api_call *call);
int scim_users_update(struct api_call *call);
int scim_users_delete(struct api_call *call);
int scim_service_provider_config(struct api_call *call);
int scim_resource_types(struct api_call *call);
int scim_resource_type_user(struct api_call *call);
int scim_schemas(struct api_call *call);
int scim_schema_get(struct api_call *call);

#endif
