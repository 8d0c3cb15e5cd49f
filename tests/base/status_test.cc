// Status, Result and the error macros; ids.
#include "base/status.h"

#include <gtest/gtest.h>

#include <set>

#include "base/id.h"

namespace custodian {
namespace {

Result<int> Half(int n) {
  if (n % 2) return InvalidArgumentError(std::to_string(n) + " is odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  RETURN_IF_ERROR(Half(n).status());
  return OkStatus();
}

TEST(StatusTest, OkIsCheapAndEmpty) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.code(), StatusCode::kOk);
  EXPECT_EQ(ok.message(), "");
  EXPECT_EQ(ok.ToString(), "OK");
  EXPECT_EQ(sizeof(Status), sizeof(void*));
}

TEST(StatusTest, CarriesCodeMessageAndContext) {
  Status s = DataLossError("leaf 7 changed");
  EXPECT_EQ(s.ToString(), "DataLoss: leaf 7 changed");
  Status c = s.WithContext("verify");
  EXPECT_EQ(c.code(), StatusCode::kDataLoss);
  EXPECT_EQ(c.message(), "verify: leaf 7 changed");
  Status copy = c;
  EXPECT_EQ(copy.message(), c.message());
  EXPECT_TRUE(OkStatus().WithContext("x").ok());
}

TEST(StatusTest, MacrosPropagateFailures) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().message(), "3 is odd");
  EXPECT_EQ(Quarter(5).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_FALSE(CheckEven(3).ok());
}

TEST(StatusTest, ExitCodesAreDistinct) {
  std::set<int> codes;
  for (StatusCode c :
       {StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kAlreadyExists,
        StatusCode::kPermissionDenied, StatusCode::kFailedPrecondition, StatusCode::kDataLoss,
        StatusCode::kUnavailable, StatusCode::kInternal}) {
    int code = ExitCodeFor(c);
    EXPECT_GT(code, 1);
    EXPECT_TRUE(codes.insert(code).second) << StatusCodeName(c);
  }
  EXPECT_EQ(ExitCodeFor(StatusCode::kOk), 0);
}

TEST(IdTest, GeneratedIdsAreValidAndDistinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = GenerateId(Env::Default(), "act");
    EXPECT_TRUE(IsValidId(id, "act")) << id;
    EXPECT_EQ(id.size(), 16u);
    EXPECT_TRUE(seen.insert(id).second);
  }
}

TEST(IdTest, RejectsMalformedIds) {
  EXPECT_TRUE(IsValidId("plc-kp-north-hamgyong", "plc"));
  EXPECT_FALSE(IsValidId("plc-", "plc"));
  EXPECT_FALSE(IsValidId("plc-KP", "plc"));
  EXPECT_FALSE(IsValidId("plc-a b", "plc"));
  EXPECT_FALSE(IsValidId("plc-abc-", "plc"));
  EXPECT_FALSE(IsValidId("act-abc", "plc"));
  EXPECT_FALSE(IsValidId("plc-" + std::string(61, 'a'), "plc"));
  EXPECT_FALSE(IsValidId("plc-\xea\xb9\x80", "plc"));
  EXPECT_EQ(IdPrefix("act-xyz"), "act");
  EXPECT_EQ(IdPrefix("nodash"), "");
}

TEST(EnvTest, FormatsTimestampsAsRfc3339) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatTimestamp(1795831129123456), "2026-11-28T01:58:49.123456Z");
}

}  // namespace
}  // namespace custodian
