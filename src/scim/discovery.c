/* SCIM discovery (RFC 7644 section 4): what this server supports, and nothing more. */
#include "scim.h"

#include <cjson/cJSON.h>
#include <string.h>

static const char service_provider_config[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig\"],"
    "\"documentationUri\":\"https://github.com/screendesk-server/docs/scim.md\","
    "\"patch\":{\"supported\":true},"
    "\"bulk\":{\"supported\":false,\"maxOperations\":0,\"maxPayloadSize\":0},"
    "\"filter\":{\"supported\":true,\"maxResults\":100},"
    "\"changePassword\":{\"supported\":false},"
    "\"sort\":{\"supported\":false},"
    "\"etag\":{\"supported\":true},"
    "\"authenticationSchemes\":[{\"type\":\"oauthbearertoken\",\"name\":\"OAuth Bearer Token\","
    "\"description\":\"The account's SCIM token (sds_...), issued by the operator\","
    "\"primary\":true}],"
    "\"meta\":{\"resourceType\":\"ServiceProviderConfig\","
    "\"location\":\"/scim/v2/ServiceProviderConfig\"}}";

static const char resource_type_user[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:ResourceType\"],"
    "\"id\":\"User\",\"name\":\"User\",\"endpoint\":\"/Users\","
    "\"description\":\"A user of the account\","
    "\"schema\":\"urn:ietf:params:scim:schemas:core:2.0:User\",\"schemaExtensions\":[],"
    "\"meta\":{\"resourceType\":\"ResourceType\",\"location\":\"/scim/v2/ResourceTypes/User\"}}";

/* clang-format off */
static const char user_schema[] =
    "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:Schema\"],"
    "\"id\":\"urn:ietf:params:scim:schemas:core:2.0:User\",\"name\":\"User\","
    "\"description\":\"User Account\",\"attributes\":["
      "{\"name\":\"userName\",\"type\":\"string\",\"multiValued\":false,\"required\":true,"
      "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\","
      "\"uniqueness\":\"server\",\"description\":\"The user's e-mail address; unique in the "
      "account, compared case-insensitively\"},"
      "{\"name\":\"name\",\"type\":\"complex\",\"multiValued\":false,\"required\":false,"
      "\"mutability\":\"readWrite\",\"returned\":\"default\",\"subAttributes\":["
        "{\"name\":\"formatted\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
        "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\"},"
        "{\"name\":\"givenName\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
        "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\"},"
        "{\"name\":\"familyName\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
        "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\"}]},"
      "{\"name\":\"displayName\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
      "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\","
      "\"description\":\"Read from and written to name.formatted\"},"
      "{\"name\":\"emails\",\"type\":\"complex\",\"multiValued\":true,\"required\":false,"
      "\"mutability\":\"readWrite\",\"returned\":\"default\",\"description\":\"One work "
      "e-mail, the userName\",\"subAttributes\":["
        "{\"name\":\"value\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
        "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\"},"
        "{\"name\":\"type\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
        "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\","
        "\"canonicalValues\":[\"work\"]},"
        "{\"name\":\"primary\",\"type\":\"boolean\",\"multiValued\":false,\"required\":false,"
        "\"mutability\":\"readWrite\",\"returned\":\"default\"}]},"
      "{\"name\":\"active\",\"type\":\"boolean\",\"multiValued\":false,\"required\":false,"
      "\"mutability\":\"readWrite\",\"returned\":\"default\"},"
      "{\"name\":\"roles\",\"type\":\"string\",\"multiValued\":true,\"required\":false,"
      "\"caseExact\":false,\"mutability\":\"readWrite\",\"returned\":\"default\","
      "\"canonicalValues\":[\"admin\",\"member\",\"editor\"],\"description\":\"Role names; "
      "requests may also send an object of booleans or [{\\\"value\\\": name}]\"},"
      "{\"name\":\"externalId\",\"type\":\"string\",\"multiValued\":false,\"required\":false,"
      "\"caseExact\":true,\"mutability\":\"readWrite\",\"returned\":\"default\","
      "\"uniqueness\":\"server\"}"
    "],\"meta\":{\"resourceType\":\"Schema\","
    "\"location\":\"/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User\"}}";
/* clang-format on */

static int static_json(struct api_call *call, const char *text)
{
    return scim_json(call, 200, cJSON_Parse(text));
}

static int list_of(struct api_call *call, const char *item)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *schemas = cJSON_AddArrayToObject(o, "schemas");
    cJSON_AddItemToArray(schemas, cJSON_CreateString(SCIM_LIST_SCHEMA));
    cJSON_AddNumberToObject(o, "totalResults", 1);
    cJSON_AddNumberToObject(o, "startIndex", 1);
    cJSON_AddNumberToObject(o, "itemsPerPage", 1);
    cJSON *resources = cJSON_AddArrayToObject(o, "Resources");
    cJSON_AddItemToArray(resources, cJSON_Parse(item));
    return scim_json(call, 200, o);
}

int scim_service_provider_config(struct api_call *call)
{
    return static_json(call, service_provider_config);
}

int scim_resource_types(struct api_call *call)
{
    return list_of(call, resource_type_user);
}

int scim_resource_type_user(struct api_call *call)
{
    return static_json(call, resource_type_user);
}

int scim_schemas(struct api_call *call)
{
    return list_of(call, user_schema);
}

int scim_schema_get(struct api_call *call)
{
    if (strcmp(call->params[0], SCIM_USER_SCHEMA) != 0)
        return scim_error(call, 404, NULL, "No schema %s", call->params[0]);
    return static_json(call, user_schema);
}
