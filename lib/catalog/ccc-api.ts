/**
 * The CCC (Cloud Call Center) API catalog: event names with their meanings, one row per
 * (eventName, apiVersion). It backs the `ccc_api_catalog` dimension table and the demo corpus.
 *
 * The seed rows come first, verbatim from the product document (seed/000_dca42c3e11c9b705.txt).
 * Every other name was confirmed in Alibaba Cloud SDK source (sources noted above each list);
 * Chinese and English meanings of those rows are our own short translations.
 */
import { type ApiCategory, type ApiClass, classifyApi } from './api-category.js'

export interface CatalogEntry {
  eventName: string
  meaningZh: string
  meaningEn: string
  apiVersion: '2017-07-05' | '2020-07-01'
  /** The area the API belongs to (lib/catalog/api-category.ts). */
  category: ApiCategory
  /** Every call deserves an auditor's review: customer data, historical reports, administrative changes. */
  sensitive: boolean
}

type Row = readonly [eventName: string, meaningZh: string, meaningEn: string]

/** The product document's table of common CCC API events, in its order. */
const SEED_ROWS: readonly Row[] = [
  ['ListConfig', '批量获取配置', 'Get configuration items in batch'],
  ['RefreshToken', '刷新令牌', 'Refresh the agent workbench token'],
  ['LaunchAppraise', '发送语音满意度', 'Launch a voice satisfaction survey'],
  ['ListContactFlows', '获取IVR流程列表', 'List IVR contact flows'],
  ['AddBulkPhoneNumbers', '批量新增号码', 'Add phone numbers in bulk'],
  ['GetNumberRegionInfo', '获取号码归属地', 'Get the home region of a phone number'],
  ['PickGlobalOutboundNumbers', '按照被叫归属地自主选择号码', "Pick outbound numbers by the callee's region"],
  ['StartBack2BackCall', '双呼', 'Start a back-to-back (two-leg) call'],
  ['CreateSkillGroup', '创建技能组', 'Create a skill group'],
  ['ListSkillGroups', '获取技能组列表', 'List skill groups'],
  ['ListSkillGroupsOfUser', '坐席相关联技能组列表', 'List the skill groups of an agent'],
  ['ListTransferableSkillGroups', '获取呼叫中心实例的可转接技能组', 'List the skill groups a call can be transferred to'],
  ['AssignUsers', '导入客服', 'Import agents (assign RAM users)'],
  ['ListUsers', '获取客服列表', 'List agents'],
  ['ListAgentEvents', '查询坐席日志信息', 'Query agent event logs'],
  ['DownloadRecording', '下载录音', 'Download a call recording'],
  ['ListCallDetailRecords', '获取通话详单', 'List call detail records'],
  ['ListAgentSummaryReports', '坐席汇总报表', 'Agent summary reports'],
  ['ListSkillGroupSummaryReports', '技能组汇总报表', 'Skill group summary reports'],
  ['SaveWebRTCStats', '保存WebRTC统计信息', 'Save WebRTC statistics'],
  ['GetInstance', '获取呼叫中心实例详情', 'Get call center instance details'],
  ['SendPredefinedShortMessage', '发送短信', 'Send a predefined SMS'],
]

/*
 * 2017-07-05, beyond the seed. Confirmed in:
 * - aliyun/aliyun-openapi-cpp-sdk ccc/include/alibabacloud/ccc/CCCClient.h (2017-07-05 client,
 *   commit 01e5e4b6af3d21840367183b1ba1770375886650): all rows unless marked otherwise;
 * - [php] aliyun/openapi-sdk-php src/CCC/V20170705/CCCApiResolver.php;
 * - [py] aliyun/aliyun-openapi-python-sdk aliyun-python-sdk-ccc/aliyunsdkccc/request/v20170705/.
 */
const V2017_ROWS: readonly Row[] = [
  ['AbortPredictiveJobs', '终止预测式外呼任务', 'Abort predictive dialing jobs'],
  ['AddAgentDevice', '添加坐席设备', 'Add an agent device'],
  ['AddJobsToPredictiveJobGroup', '向预测式外呼任务组添加任务', 'Add jobs to a predictive job group'],
  ['AddNumberToSkillGroup', '向技能组添加号码', 'Add a number to a skill group'], // [php]
  ['AddPhoneNumber', '新增号码', 'Add a phone number'],
  ['AddPhoneTags', '添加号码标签', 'Add phone number tags'],
  ['AssignJobs', '分配外呼任务', 'Assign outbound jobs'],
  ['CallOnlinePrivacyNumber', '呼叫在线隐私号', 'Call an online privacy number'],
  ['CancelJobs', '取消外呼任务', 'Cancel outbound jobs'],
  ['CancelPredictiveJobs', '取消预测式外呼任务', 'Cancel predictive dialing jobs'], // [php]
  ['CheckNumberAvaliable', '检查号码是否可用', 'Check whether a number is available'],
  ['CommitContactFlowVersionModification', '提交IVR流程版本修改', 'Commit changes to an IVR flow version'],
  ['CreateAndPublishSpecialContactFlow', '创建并发布特殊IVR流程', 'Create and publish a special IVR flow'], // [php]
  ['CreateBatchJobs', '创建批量外呼任务', 'Create batch outbound jobs'],
  ['CreateCCCPostOrder', '创建呼叫中心后付费订单', 'Create a pay-as-you-go CCC order'], // [php]
  ['CreateCabInstance', '创建智能外呼实例', 'Create an outbound bot (CAB) instance'],
  ['CreateContactFlow', '创建IVR流程', 'Create an IVR contact flow'],
  ['CreateFault', '上报故障', 'Report a fault'],
  ['CreateInstance', '创建呼叫中心实例', 'Create a call center instance'],
  ['CreateJobGroup', '创建外呼任务组', 'Create an outbound job group'],
  ['CreateMedia', '创建语音文件', 'Create a media (audio) file'],
  ['CreatePredictiveJobGroup', '创建预测式外呼任务组', 'Create a predictive job group'],
  ['CreatePredictiveJobs', '创建预测式外呼任务', 'Create predictive dialing jobs'], // [php]
  ['CreateScenario', '创建外呼场景', 'Create an outbound scenario'],
  ['CreateScenarioFromTemplate', '从模板创建外呼场景', 'Create an outbound scenario from a template'],
  ['CreateSurvey', '创建问卷', 'Create a survey'],
  ['CreateUser', '创建坐席', 'Create an agent'],
  ['CreateVoiceAppraise', '创建语音满意度评价', 'Create a voice satisfaction appraisal'],
  ['DeleteInstance', '删除呼叫中心实例', 'Delete a call center instance'],
  ['DeleteJobGroup', '删除外呼任务组', 'Delete an outbound job group'],
  ['DeleteMedia', '删除语音文件', 'Delete a media file'],
  ['DeletePhoneTags', '删除号码标签', 'Delete phone number tags'],
  ['DeleteSkillGroup', '删除技能组', 'Delete a skill group'],
  ['DeleteSurvey', '删除问卷', 'Delete a survey'],
  ['DialEx', '扩展外呼', 'Dial out (extended)'],
  ['Dialogue', '机器人对话', 'Run one turn of a bot dialogue'],
  ['DisableTrunkProviders', '停用中继供应商', 'Disable trunk providers'],
  ['DownloadAllTypeRecording', '下载全部类型录音', 'Download recordings of all types'],
  ['DownloadCabRecording', '下载智能外呼录音', 'Download an outbound bot recording'],
  ['DownloadOriginalStatisticsReport', '下载原始统计报表', 'Download the original statistics report'],
  ['DownloadUnreachableContacts', '下载未接通联系人', 'Download unreachable contacts'],
  ['Encrypt', '加密数据', 'Encrypt data'], // [py]
  ['FindUsers', '查找坐席', 'Find agents'],
  ['GenerateAgentStatisticReport', '生成坐席统计报表', 'Generate an agent statistics report'],
  ['GetAgentData', '获取坐席数据', 'Get agent data'],
  ['GetAgentState', '获取坐席状态', 'Get the state of an agent'], // [php]
  ['GetCallMeasureSummaryReport', '获取通话量汇总报表', 'Get the call volume summary report'],
  ['GetConfig', '获取配置', 'Get a configuration item'],
  ['GetContactIdentifyByOutBoundTaskId', '按外呼任务ID获取联系人标识', 'Get the contact identity of an outbound task'], // [php]
  ['GetContactInfoByOutboundTaskId', '按外呼任务ID获取联系人信息', 'Get the contact info of an outbound task'],
  ['GetConversationDetailByContactId', '按联系ID获取对话详情', 'Get conversation details by contact ID'],
  ['GetConversationList', '获取对话列表', 'Get the conversation list'],
  ['GetInstanceState', '获取实例状态', 'Get the state of an instance'],
  ['GetInstanceSummaryReport', '获取实例汇总报表', 'Get the instance summary report'],
  ['GetInstanceSummaryReportByInterval', '按时间间隔获取实例汇总报表', 'Get instance summary reports by interval'],
  ['GetInstanceSummaryReportSinceMidnight', '获取当日实例汇总报表', 'Get the instance summary report since midnight'],
  ['GetJob', '获取外呼任务', 'Get an outbound job'],
  ['GetJobDataUploadParams', '获取任务数据上传参数', 'Get upload parameters for job data'],
  ['GetJobFileUploadUrl', '获取任务文件上传地址', 'Get the upload URL for a job file'],
  ['GetJobGroup', '获取外呼任务组', 'Get an outbound job group'],
  ['GetJobList', '获取外呼任务列表', 'Get the outbound job list'],
  ['GetJobStatusByCallId', '按呼叫ID获取任务状态', 'Get job status by call ID'],
  ['GetJobTemplateDownloadParams', '获取任务模板下载参数', 'Get download parameters for the job template'],
  ['GetJobsProgress', '获取外呼任务进度', 'Get the progress of outbound jobs'], // [py]
  ['GetPredictiveJob', '获取预测式外呼任务', 'Get a predictive dialing job'], // [php]
  ['GetPredictiveJobGroup', '获取预测式外呼任务组', 'Get a predictive job group'], // [py]
  ['GetPredictiveTaskData', '获取预测式外呼任务数据', 'Get predictive task data'], // [py]
  ['GetRecordOssUploadParam', '获取录音OSS上传参数', 'Get OSS upload parameters for recordings'],
  ['GetRoutePoint', '获取路由点', 'Get a route point'],
  ['GetScenario', '获取外呼场景', 'Get an outbound scenario'],
  ['GetServiceExtensions', '获取服务分机', 'Get service extensions'],
  ['GetSmsConfig', '获取短信配置', 'Get SMS settings'],
  ['GetSurvey', '获取问卷', 'Get a survey'],
  ['GetTURNCredentials', '获取TURN凭证', 'Get TURN credentials'],
  ['GetTURNServerList', '获取TURN服务器列表', 'Get the TURN server list'],
  ['GetTaskList', '获取任务列表', 'Get the task list'],
  ['GetUser', '获取坐席详情', 'Get agent details'],
  ['GetUserByExtension', '按分机号获取坐席', 'Get an agent by extension'],
  ['InflightTaskTimeout', '进行中任务超时', 'Time out an in-flight task'],
  ['LaunchShortMessageAppraise', '发送短信满意度', 'Launch an SMS satisfaction survey'],
  ['ListAgentDevices', '获取坐席设备列表', 'List agent devices'],
  ['ListAgentStateLogs', '获取坐席状态日志', 'List agent state logs'],
  ['ListAgentStates', '获取坐席状态列表', 'List agent states'],
  ['ListAgentSummaryReportsByInterval', '按时间间隔获取坐席汇总报表', 'Agent summary reports by interval'],
  ['ListAgentSummaryReportsSinceMidnight', '当日坐席汇总报表', 'Agent summary reports since midnight'],
  ['ListBasicStatisticsReportSubItems', '获取基础统计报表子项', 'List sub-items of the basic statistics report'],
  ['ListCallEventDetailByContactId', '按联系ID获取通话事件详情', 'List call event details by contact ID'],
  ['ListCallMeasureSummaryReports', '通话量汇总报表', 'Call volume summary reports'],
  ['ListInstancesOfUser', '获取用户的呼叫中心实例', 'List the call center instances of a user'],
  ['ListIvrTrackingDetail', '获取IVR轨迹详情', 'List IVR tracking details'],
  ['ListJobGroups', '获取外呼任务组列表', 'List outbound job groups'],
  ['ListJobStatus', '获取外呼任务状态列表', 'List outbound job statuses'],
  ['ListJobsByGroup', '按任务组获取外呼任务', 'List the jobs of a job group'],
  ['ListMedias', '获取语音文件列表', 'List media files'],
  ['ListOutboundPhoneNumberOfUser', '获取坐席外呼号码', 'List the outbound numbers of an agent'],
  ['ListPhoneNumbers', '获取号码列表', 'List phone numbers'],
  ['ListPhoneTags', '获取号码标签列表', 'List phone number tags'],
  ['ListPredictiveJobStatus', '获取预测式外呼任务状态', 'List predictive job statuses'], // [php]
  ['ListPrivacyNumberCallDetails', '获取隐私号通话详情', 'List privacy number call details'], // [php]
  ['ListPrivilegesOfUser', '获取坐席权限', 'List the privileges of an agent'], // [php]
  ['ListRealTimeAgent', '获取实时坐席状态', 'List real-time agent status'],
  ['ListRecentCallRecords', '获取最近通话记录', 'List recent call records'],
  ['ListRecordingOfDualTrack', '获取双轨录音列表', 'List dual-track recordings'],
  ['ListRecordings', '获取录音列表', 'List recordings'],
  ['ListRecordingsByContactId', '按联系ID获取录音', 'List recordings by contact ID'],
  ['ListRoles', '获取角色列表', 'List roles'],
  ['ListScenarioTemplates', '获取外呼场景模板', 'List outbound scenario templates'],
  ['ListScenarios', '获取外呼场景列表', 'List outbound scenarios'],
  ['ListSkillGroupStates', '获取技能组状态', 'List skill group states'],
  ['ListSkillGroupSummaryReportsByInterval', '按时间间隔获取技能组汇总报表', 'Skill group summary reports by interval'],
  ['ListSkillGroupSummaryReportsSinceMidnight', '当日技能组汇总报表', 'Skill group summary reports since midnight'],
  ['ListSurveys', '获取问卷列表', 'List surveys'],
  ['ListTrunkProviders', '获取中继供应商列表', 'List trunk providers'],
  ['ListTrunksOfSkillGroup', '获取技能组中继', 'List the trunks of a skill group'],
  ['ListUnreachableContacts', '获取未接通联系人', 'List unreachable contacts'],
  ['ListUsersOfSkillGroup', '获取技能组坐席列表', 'List the agents of a skill group'],
  ['ListVoiceAppraise', '获取语音满意度评价', 'List voice satisfaction appraisals'],
  ['ModifyAgentDevice', '修改坐席设备', 'Modify an agent device'],
  ['ModifyCabInstance', '修改智能外呼实例', 'Modify an outbound bot instance'],
  ['ModifyMedia', '修改语音文件', 'Modify a media file'], // [php]
  ['ModifyNotificationConfig', '修改通知配置', 'Modify notification settings'], // [php]
  ['ModifyPhoneNumber', '修改号码', 'Modify a phone number'],
  ['ModifyPhoneTags', '修改号码标签', 'Modify phone number tags'],
  ['ModifyPrimaryTrunksOfSkillGroup', '修改技能组主中继', 'Modify the primary trunks of a skill group'],
  ['ModifyPrivacyNumberCallDetail', '修改隐私号通话详情', 'Modify a privacy number call detail'],
  ['ModifyScenario', '修改外呼场景', 'Modify an outbound scenario'],
  ['ModifySkillGroup', '修改技能组', 'Modify a skill group'],
  ['ModifySkillGroupOfUser', '修改坐席技能组', 'Modify the skill groups of an agent'],
  ['ModifySkillGroupOutboundNumbers', '修改技能组外呼号码', 'Modify the outbound numbers of a skill group'],
  ['ModifySurvey', '修改问卷', 'Modify a survey'],
  ['ModifyUser', '修改坐席', 'Modify an agent'],
  ['PickLocalNumber', '选择本地号码', 'Pick a local number'],
  ['PickOutboundNumbers', '选择外呼号码', 'Pick outbound numbers'],
  ['PreCreateMedia', '预创建语音文件', 'Pre-create a media file'], // [php]
  ['PreModifyMedia', '预修改语音文件', 'Pre-modify a media file'], // [php]
  ['PublishContactFlowVersion', '发布IVR流程版本', 'Publish an IVR flow version'],
  ['PublishPredictiveJobGroup', '发布预测式外呼任务组', 'Publish a predictive job group'],
  ['PublishSurvey', '发布问卷', 'Publish a survey'],
  ['QueryRedialIndicator', '查询重拨指标', 'Query the redial indicator'], // [php]
  ['RemoveNumberFromSkillGroup', '从技能组移除号码', 'Remove a number from a skill group'], // [php]
  ['RemovePhoneNumber', '删除号码', 'Remove a phone number'],
  ['RemoveUsers', '移除坐席', 'Remove agents'],
  ['RemoveUsersFromSkillGroup', '从技能组移除坐席', 'Remove agents from a skill group'],
  ['RequestLoginInfo', '获取登录信息', 'Request workbench login info'],
  ['ResetUserStatus', '重置坐席状态', 'Reset the status of an agent'],
  ['ResumeJobs', '恢复外呼任务', 'Resume outbound jobs'],
  ['ResumePredictiveJobs', '恢复预测式外呼任务', 'Resume predictive dialing jobs'],
  ['SaveTerminalLog', '保存终端日志', 'Save terminal logs'],
  ['SimpleDial', '简单外呼', 'Place a simple outbound call'], // [php]
  ['StartJob', '启动外呼任务', 'Start an outbound job'],
  ['SubmitBatchJobs', '提交批量外呼任务', 'Submit batch outbound jobs'],
  ['SubmitCabRecording', '提交智能外呼录音', 'Submit an outbound bot recording'],
  ['SuspendJobs', '暂停外呼任务', 'Suspend outbound jobs'],
  ['SuspendPredictiveJobs', '暂停预测式外呼任务', 'Suspend predictive dialing jobs'],
  ['TaskPreparing', '外呼任务准备', 'Prepare an outbound task'],
  ['TwoPartiesCall', '两方通话', 'Place a two-party call'], // [php]
]

/*
 * 2020-07-01. Confirmed in:
 * - aliyun/aliyun-openapi-cpp-sdk ccc/include/alibabacloud/ccc/CCCClient.h (2020-07-01 client,
 *   commit 12839600df15065dd38389bbc313d14c080c6c2f): all rows unless marked otherwise;
 *   cross-checked against aliyun/aliyun-openapi-python-sdk
 *   aliyun-python-sdk-ccc/aliyunsdkccc/request/v20200701/ and
 *   aliyun/openapi-sdk-php src/CCC/V20200701/CCCApiResolver.php;
 * - [ts] aliyun/alibabacloud-typescript-sdk ccc-20200701/src/models/<Name>Request.ts.
 */
const V2020_ROWS: readonly Row[] = [
  ['AbortCampaign', '终止外呼活动', 'Abort a campaign'],
  ['AcceptChat', '接受在线会话', 'Accept a chat'], // [ts]
  ['AddBlacklistCallTagging', '添加黑名单呼叫标记', 'Add a blacklist call tag'], // [ts]
  ['AddCases', '添加外呼名单', 'Add cases to a campaign'],
  ['AddFeedback', '添加反馈', 'Add feedback'], // [ts]
  ['AddNumbersToSkillGroup', '向技能组添加号码', 'Add numbers to a skill group'],
  ['AddPersonalNumbersToUser', '为坐席添加个人号码', 'Add personal numbers to an agent'],
  ['AddPhoneNumberToSkillGroups', '将号码添加到技能组', 'Add a number to skill groups'],
  ['AddPhoneNumbers', '添加号码', 'Add phone numbers'],
  ['AddSchemaProperty', '添加数据模式属性', 'Add a schema property'], // [ts]
  ['AddSkillGroupsToUser', '为坐席添加技能组', 'Add skill groups to an agent'],
  ['AddTicketTask', '添加工单任务', 'Add a ticket task'], // [ts]
  ['AddUsersToSkillGroup', '向技能组添加坐席', 'Add agents to a skill group'],
  ['AnalyzeConversation', '分析会话', 'Analyze a conversation'], // [ts]
  ['AnswerCall', '接听电话', 'Answer a call'],
  ['AppendCases', '追加外呼名单', 'Append cases to a campaign'],
  ['AssignUsers', '导入坐席', 'Import agents'],
  ['BargeInCall', '强插通话', 'Barge in on a call'],
  ['BlindTransfer', '盲转', 'Blind-transfer a call'],
  ['BridgeRtcCall', '桥接RTC通话', 'Bridge an RTC call'],
  ['CancelAttendedTransfer', '取消咨询转', 'Cancel an attended transfer'],
  ['ChangeVisibility', '修改可见性', 'Change visibility'], // [ts]
  ['ChangeWorkMode', '切换工作模式', 'Change the work mode'],
  ['CheckBusinessHours', '检查营业时间', 'Check business hours'], // [ts]
  ['ClaimCall', '认领通话', 'Claim a call'], // [ts]
  ['CoachCall', '通话辅导', 'Coach a call'],
  ['CommitContactFlow', '提交IVR流程', 'Commit an IVR contact flow'],
  ['CompleteAttendedTransfer', '完成咨询转', 'Complete an attended transfer'],
  ['CreateAudioFile', '创建音频文件', 'Create an audio file'],
  ['CreateCallTags', '创建通话标签', 'Create call tags'],
  ['CreateCampaign', '创建外呼活动', 'Create a campaign'],
  ['CreateContactFlow', '创建IVR流程', 'Create an IVR contact flow'],
  ['CreateCustomCallTagging', '创建自定义呼叫标记', 'Create custom call tagging'],
  ['CreateInstance', '创建呼叫中心实例', 'Create a call center instance'],
  ['CreateSkillGroup', '创建技能组', 'Create a skill group'],
  ['CreateUser', '创建坐席', 'Create an agent'],
  ['DeleteAudioFile', '删除音频文件', 'Delete an audio file'],
  ['DeleteCallTag', '删除通话标签', 'Delete a call tag'],
  ['DeleteContactFlow', '删除IVR流程', 'Delete an IVR contact flow'],
  ['DeleteCustomCallTagging', '删除自定义呼叫标记', 'Delete custom call tagging'],
  ['DeleteSkillGroup', '删除技能组', 'Delete a skill group'],
  ['DiscardEditingContactFlow', '放弃编辑IVR流程', 'Discard edits to an IVR contact flow'],
  ['EndConference', '结束会议', 'End a conference'],
  ['ExportCustomCallTagging', '导出自定义呼叫标记', 'Export custom call tagging'],
  ['ExportDoNotCallNumbers', '导出禁呼号码', 'Export do-not-call numbers'],
  ['GetAudioFile', '获取音频文件', 'Get an audio file'],
  ['GetAudioFileDownloadUrl', '获取音频文件下载地址', 'Get the download URL of an audio file'],
  ['GetAudioFileUploadParameters', '获取音频文件上传参数', 'Get upload parameters for an audio file'],
  ['GetCallDetailRecord', '获取通话详单', 'Get a call detail record'],
  ['GetCampaign', '获取外呼活动', 'Get a campaign'],
  ['GetCaseFileUploadUrl', '获取名单文件上传地址', 'Get the upload URL for a case file'],
  ['GetContactFlow', '获取IVR流程', 'Get an IVR contact flow'],
  ['GetConversationDetail', '获取对话详情', 'Get conversation details'],
  ['GetDataChannelCredentials', '获取数据通道凭证', 'Get data channel credentials'],
  ['GetDoNotCallFileUploadParameters', '获取禁呼名单上传参数', 'Get upload parameters for a do-not-call file'],
  ['GetEarlyMediaRecording', '获取早期媒体录音', 'Get an early media recording'],
  ['GetHistoricalCallerReport', '获取主叫历史报表', 'Get the historical caller report'],
  ['GetHistoricalCampaignReport', '获取外呼活动历史报表', 'Get the historical campaign report'],
  ['GetHistoricalInstanceReport', '获取实例历史报表', 'Get the historical instance report'],
  ['GetInstance', '获取呼叫中心实例详情', 'Get call center instance details'],
  ['GetInstanceTrendingReport', '获取实例趋势报表', 'Get the instance trending report'],
  ['GetLoginDetails', '获取登录详情', 'Get workbench login details'],
  ['GetMonoRecording', '获取单声道录音', 'Get a mono recording'],
  ['GetMultiChannelRecording', '获取多声道录音', 'Get a multi-channel recording'],
  ['GetNumberLocation', '获取号码归属地', 'Get the location of a phone number'],
  ['GetRealtimeCampaignStats', '获取外呼活动实时统计', 'Get real-time campaign statistics'],
  ['GetRealtimeInstanceStates', '获取实例实时状态', 'Get real-time instance states'],
  ['GetSkillGroup', '获取技能组详情', 'Get skill group details'],
  ['GetTurnCredentials', '获取TURN凭证', 'Get TURN credentials'],
  ['GetTurnServerList', '获取TURN服务器列表', 'Get the TURN server list'],
  ['GetUploadAudioDataParams', '获取音频数据上传参数', 'Get upload parameters for audio data'],
  ['GetUser', '获取坐席详情', 'Get agent details'],
  ['GetVideo', '获取视频', 'Get a video'],
  ['GetVoicemailRecording', '获取语音信箱录音', 'Get a voicemail recording'],
  ['HoldCall', '保持通话', 'Put a call on hold'],
  ['ImportAdmins', '导入管理员', 'Import administrators'],
  ['ImportCustomCallTagging', '导入自定义呼叫标记', 'Import custom call tagging'],
  ['ImportDoNotCallNumbers', '导入禁呼号码', 'Import do-not-call numbers'],
  ['InitiateAttendedTransfer', '发起咨询转', 'Initiate an attended transfer'],
  ['InterceptCall', '拦截通话', 'Intercept a call'],
  ['LaunchAuthentication', '发起身份验证', 'Launch caller authentication'],
  ['LaunchSurvey', '发起满意度调查', 'Launch a satisfaction survey'],
  ['ListAgentStateLogs', '获取坐席状态日志', 'List agent state logs'],
  ['ListAgentStates', '获取坐席状态列表', 'List agent states'],
  ['ListAgentSummaryReportsSinceMidnight', '当日坐席汇总报表', 'Agent summary reports since midnight'],
  ['ListAttempts', '获取外呼尝试记录', 'List campaign call attempts'],
  ['ListAudioFiles', '获取音频文件列表', 'List audio files'],
  ['ListBriefSkillGroups', '获取技能组简要列表', 'List skill groups (brief)'],
  ['ListCallDetailRecords', '获取通话详单', 'List call detail records'],
  ['ListCallTags', '获取通话标签列表', 'List call tags'],
  ['ListCampaignTrendingReport', '外呼活动趋势报表', 'Campaign trending report'],
  ['ListCampaigns', '获取外呼活动列表', 'List campaigns'],
  ['ListCases', '获取外呼名单', 'List the cases of a campaign'],
  ['ListConfigItems', '获取配置项列表', 'List configuration items'],
  ['ListContactFlows', '获取IVR流程列表', 'List IVR contact flows'],
  ['ListCustomCallTagging', '获取自定义呼叫标记', 'List custom call tagging'],
  ['ListDevices', '获取设备列表', 'List devices'],
  ['ListDoNotCallNumbers', '获取禁呼号码列表', 'List do-not-call numbers'],
  ['ListHistoricalAgentReport', '坐席历史报表', 'Historical agent report'],
  ['ListHistoricalSkillGroupReport', '技能组历史报表', 'Historical skill group report'],
  ['ListInstances', '获取呼叫中心实例列表', 'List call center instances'],
  ['ListInstancesOfUser', '获取用户的呼叫中心实例', 'List the call center instances of a user'],
  ['ListIntervalAgentReport', '坐席分时报表', 'Agent report by interval'],
  ['ListIntervalInstanceReport', '实例分时报表', 'Instance report by interval'],
  ['ListIntervalSkillGroupReport', '技能组分时报表', 'Skill group report by interval'],
  ['ListIvrTrackingDetails', '获取IVR轨迹详情', 'List IVR tracking details'],
  ['ListLegacyAgentEventLogs', '获取旧版坐席事件日志', 'List legacy agent event logs'],
  ['ListLegacyAgentStatusLogs', '获取旧版坐席状态日志', 'List legacy agent status logs'],
  ['ListLegacyAppraiseLogs', '获取旧版满意度日志', 'List legacy satisfaction appraisal logs'],
  ['ListLegacyQueueEventLogs', '获取旧版排队事件日志', 'List legacy queue event logs'],
  ['ListMonoRecordings', '获取单声道录音列表', 'List mono recordings'],
  ['ListMultiChannelRecordings', '获取多声道录音列表', 'List multi-channel recordings'],
  ['ListOutboundNumbersOfUser', '获取坐席外呼号码', 'List the outbound numbers of an agent'],
  ['ListPersonalNumbersOfUser', '获取坐席个人号码', 'List the personal numbers of an agent'],
  ['ListPhoneNumbers', '获取号码列表', 'List phone numbers'],
  ['ListPhoneNumbersOfSkillGroup', '获取技能组号码', 'List the phone numbers of a skill group'],
  ['ListPrivilegesOfUser', '获取坐席权限', 'List the privileges of an agent'],
  ['ListRamUsers', '获取RAM用户列表', 'List RAM users'],
  ['ListRealtimeAgentStates', '获取坐席实时状态', 'List real-time agent states'],
  ['ListRealtimeSkillGroupStates', '获取技能组实时状态', 'List real-time skill group states'],
  ['ListRecentCallDetailRecords', '获取最近通话详单', 'List recent call detail records'],
  ['ListRoles', '获取角色列表', 'List roles'],
  ['ListSkillGroupStates', '获取技能组状态', 'List skill group states'],
  ['ListSkillGroupSummaryReportsSinceMidnight', '当日技能组汇总报表', 'Skill group summary reports since midnight'],
  ['ListSkillGroups', '获取技能组列表', 'List skill groups'],
  ['ListSkillLevelsOfUser', '获取坐席技能等级', 'List the skill levels of an agent'],
  ['ListUnassignedNumbers', '获取未分配号码', 'List unassigned numbers'],
  ['ListUserLevelsOfSkillGroup', '获取技能组坐席等级', 'List agent levels in a skill group'],
  ['ListUsers', '获取坐席列表', 'List agents'],
  ['MakeCall', '发起呼叫', 'Make a call'],
  ['ModifyAudioFile', '修改音频文件', 'Modify an audio file'],
  ['ModifyCustomCallTagging', '修改自定义呼叫标记', 'Modify custom call tagging'],
  ['ModifyInstance', '修改呼叫中心实例', 'Modify a call center instance'],
  ['ModifyPhoneNumber', '修改号码', 'Modify a phone number'],
  ['ModifySkillGroup', '修改技能组', 'Modify a skill group'],
  ['ModifySkillLevelsOfUser', '修改坐席技能等级', 'Modify the skill levels of an agent'],
  ['ModifyUser', '修改坐席', 'Modify an agent'],
  ['ModifyUserLevelsOfSkillGroup', '修改技能组坐席等级', 'Modify agent levels in a skill group'],
  ['MonitorCall', '监听通话', 'Monitor a call'],
  ['MuteCall', '静音', 'Mute a call'],
  ['PauseCampaign', '暂停外呼活动', 'Pause a campaign'],
  ['PickOutboundNumbers', '选择外呼号码', 'Pick outbound numbers'],
  ['PollUserStatus', '轮询坐席状态', 'Poll agent status'],
  ['PublishContactFlow', '发布IVR流程', 'Publish an IVR contact flow'],
  ['ReadyForService', '示闲', 'Set the agent ready for service'],
  ['RedialCall', '重拨', 'Redial a call'],
  ['RegisterDevice', '注册设备', 'Register a device'],
  ['RegisterDevices', '批量注册设备', 'Register devices'],
  ['ReleaseCall', '挂断', 'Release (hang up) a call'],
  ['RemoveDoNotCallNumbers', '移除禁呼号码', 'Remove do-not-call numbers'],
  ['RemovePersonalNumbersFromUser', '移除坐席个人号码', 'Remove personal numbers from an agent'],
  ['RemovePhoneNumberFromSkillGroups', '从技能组移除号码', 'Remove a number from skill groups'],
  ['RemovePhoneNumbers', '删除号码', 'Remove phone numbers'],
  ['RemovePhoneNumbersFromSkillGroup', '从技能组移除多个号码', 'Remove phone numbers from a skill group'],
  ['RemoveSkillGroupsFromUser', '从坐席移除技能组', 'Remove skill groups from an agent'],
  ['RemoveUsers', '移除坐席', 'Remove agents'],
  ['RemoveUsersFromSkillGroup', '从技能组移除坐席', 'Remove agents from a skill group'],
  ['ResetAgentState', '重置坐席状态', 'Reset the state of an agent'],
  ['ResetUserPassword', '重置坐席密码', 'Reset the password of an agent'],
  ['RestoreArchivedRecordings', '恢复归档录音', 'Restore archived recordings'],
  ['ResumeCampaign', '恢复外呼活动', 'Resume a campaign'],
  ['RetrieveCall', '取回通话', 'Retrieve a held call'],
  ['SaveRTCStatsV2', '保存RTC统计信息V2', 'Save RTC statistics (v2)'],
  ['SaveTerminalLog', '保存终端日志', 'Save terminal logs'],
  ['SaveWebRTCStats', '保存WebRTC统计信息', 'Save WebRTC statistics'],
  ['SaveWebRtcInfo', '保存WebRTC信息', 'Save WebRTC info'],
  ['SendDtmfSignaling', '发送DTMF信令', 'Send DTMF signaling'],
  ['SignInGroup', '签入技能组', 'Sign in to skill groups'],
  ['SignOutGroup', '签出技能组', 'Sign out of skill groups'],
  ['StartBack2BackCall', '双呼', 'Start a back-to-back (two-leg) call'],
  ['StartConference', '发起会议', 'Start a conference'],
  ['StartEditContactFlow', '开始编辑IVR流程', 'Start editing an IVR contact flow'],
  ['StartPredictiveCall', '发起预测式外呼', 'Start a predictive call'],
  ['StartPrivacyCall', '发起隐私呼叫', 'Start a privacy call'],
  ['SubmitCampaign', '提交外呼活动', 'Submit a campaign'],
  ['SwitchToConference', '切换为会议', 'Switch a call to a conference'],
  ['TakeBreak', '小休', 'Take a break'],
  ['UnmuteCall', '取消静音', 'Unmute a call'],
  ['UnregisterDevice', '注销设备', 'Unregister a device'],
  ['UpdateConfigItems', '更新配置项', 'Update configuration items'],
]

const entries = (rows: readonly Row[], apiVersion: CatalogEntry['apiVersion']): CatalogEntry[] =>
  rows.map(([eventName, meaningZh, meaningEn]) => ({ eventName, meaningZh, meaningEn, apiVersion, ...classified(eventName) }))

function classified(eventName: string): ApiClass {
  const found = classifyApi(eventName)
  if (!found) throw new Error(`CCC API catalog: no category rule matches ${eventName} (add one in api-category.ts)`)
  return found
}

export const CCC_API_CATALOG: readonly CatalogEntry[] = Object.freeze([
  ...entries(SEED_ROWS, '2017-07-05'),
  ...entries(V2017_ROWS, '2017-07-05'),
  ...entries(V2020_ROWS, '2020-07-01'),
])

/** The event names of the product document's table, in its order. */
export function seedEventNames(): string[] {
  return SEED_ROWS.map(([eventName]) => eventName)
}
