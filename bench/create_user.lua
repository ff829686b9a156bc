-- wrk script for S2: each request creates a new SCIM user with a unique userName.
local token = os.getenv("BENCH_SCIM_TOKEN")
local run = os.getenv("BENCH_RUN") or "0"
local counter = 0

request = function()
    counter = counter + 1
    local body = string.format(
        '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],'
            .. '"userName":"s2-%s-%d@bench.test","name":{"givenName":"Bench","familyName":"User"},'
            .. '"active":true}', run, counter)
    return wrk.format("POST", "/scim/v2/Users", {
        ["Content-Type"] = "application/scim+json",
        ["Authorization"] = "Bearer " .. token,
    }, body)
end
