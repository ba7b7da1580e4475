"""The API examples from the seed page and docs/api.md, shared by the tests."""

# The seed page's example, fixed up to valid JSON (it lacks braces and a comma).
SEED_BODY = b"""{
    "message": "Test Delivery Receipt",
    "count": 1,
    "createDate": "2013-04-25T15:01:04.147",
    "completeDate": "2013-04-25T15:01:55.197",
    "status": "Finished",
    "tracking": [
            {"mobileNumber": "15555555510",
            "statusCode": "20",
            "message": "NA"}
    ]
}"""

# docs/api.md's newer example: four events for one number, the 4000 is not the last.
NEW_SHAPE = {
    "message": "Test Delivery Receipt",
    "count": 1,
    "createDate": "2013-04-25T15:01:04.147",
    "completeDate": "2013-04-25T15:01:55.197",
    "status": "Finished",
    "tracking": [
        {
            "mobileNumber": "15555555510",
            "statusCode": "20",
            "message": "NA",
            "standardStatusCode": "3000",
            "description": "Message enroute",
        },
        {
            "mobileNumber": "15555555510",
            "statusCode": "200",
            "message": "Carrier Success",
            "standardStatusCode": "4000",
            "description": "Delivered to handset",
        },
        {
            "mobileNumber": "15555555510",
            "statusCode": "20",
            "message": "Message sent to carrier",
            "standardStatusCode": "3001",
            "description": "Sent to carrier",
        },
        {
            "mobileNumber": "15555555510",
            "statusCode": "0",
            "message": "DELIVERED TO Air2Web",
            "standardStatusCode": "2000",
            "description": "Delivered to aggregator",
        },
    ],
}
